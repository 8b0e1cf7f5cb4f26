"""The failures a caller of the bundle package can act on."""

from __future__ import annotations

__all__ = ["BundleError", "BundleExportError", "BundleReadError", "RulesError"]


class BundleError(Exception):
    """Base class of every evidence-bundle error."""


class RulesError(BundleError):
    """A redaction rules file is missing, not YAML, or not valid rules."""


class BundleExportError(BundleError):
    """The ledger holds nothing that can be exported for the requested period."""


class BundleReadError(BundleError):
    """A bundle file cannot be read at all (not a gzipped tarball, or a member is missing)."""
