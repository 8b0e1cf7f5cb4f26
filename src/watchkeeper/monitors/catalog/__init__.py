"""The rogue-precursor catalog: one detector per family of behaviour that precedes an agent
going rogue, run as one monitor (`rogue_precursors`). See docs/monitors.md."""

from watchkeeper.monitors.catalog._base import is_secret, is_sensitive
from watchkeeper.monitors.catalog._exfiltration import DROP_HOSTS
from watchkeeper.monitors.catalog._external_api import MODEL_API_HOSTS
from watchkeeper.monitors.catalog._monitor import (
    FAMILIES,
    CatalogConfigError,
    RoguePrecursors,
    rogue_precursors,
)
from watchkeeper.monitors.catalog._replication import AGENT_PATHS

__all__ = [
    "AGENT_PATHS",
    "DROP_HOSTS",
    "FAMILIES",
    "MODEL_API_HOSTS",
    "CatalogConfigError",
    "RoguePrecursors",
    "is_secret",
    "is_sensitive",
    "rogue_precursors",
]
