"""Rogue-precursor attacks, one tuple of templates per family (see _rogue_agents/_rogue_host)."""

from __future__ import annotations

from watchkeeper.evals.corpus._rogue_agents import (
    COMPUTE,
    EXTERNAL_API,
    SELF_REPLICATION,
    UNMONITORED,
)
from watchkeeper.evals.corpus._rogue_host import EVASION, EXFILTRATION, OBFUSCATION, PERSISTENCE
from watchkeeper.evals.corpus._scenario import Template

__all__ = ["ATTACKS"]

ATTACKS: dict[str, tuple[Template, ...]] = {
    "unmonitored-inference": UNMONITORED,
    "persistence": PERSISTENCE,
    "exfiltration": EXFILTRATION,
    "oversight-evasion": EVASION,
    "unauthorised-compute": COMPUTE,
    "external-model-api": EXTERNAL_API,
    "obfuscation": OBFUSCATION,
    "self-replication": SELF_REPLICATION,
}
