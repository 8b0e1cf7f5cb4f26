"""Failures of the deployment registry a caller can act on."""

from __future__ import annotations

__all__ = [
    "DeploymentError",
    "DeploymentExistsError",
    "DeploymentInputError",
    "DeploymentNotFoundError",
    "DeploymentStateError",
    "RegistryFileError",
    "RegistryRecordError",
]


class DeploymentError(Exception):
    """Base of the registry's errors; the message is one sentence saying what to do."""


class DeploymentInputError(DeploymentError, ValueError):
    """A registration value is not valid (empty owner, bad host, unloadable policy…)."""


class DeploymentNotFoundError(DeploymentError, LookupError):
    """No deployment has the given name."""


class DeploymentExistsError(DeploymentError):
    """A deployment with that name is already registered (revoked names stay taken)."""


class DeploymentStateError(DeploymentError):
    """The change does not apply in the deployment's state (e.g. resuming a revoked one)."""


class RegistryFileError(DeploymentError):
    """The registry file cannot be read or parsed."""


class RegistryRecordError(DeploymentError):
    """The ledger did not record a registry change."""
