"""What a sweep found: one finding per alert it wants raised, and the categories it uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from watchkeeper.events import Severity

__all__ = [
    "LEDGER_GAP",
    "MONITORING_GAP",
    "ROGUE_DEPLOYMENT",
    "SWEEP_MONITOR",
    "UNMONITORED_EXECUTION",
    "Finding",
]

#: The `monitor` name on every alert a sweep raises.
SWEEP_MONITOR = "sweep"
ROGUE_DEPLOYMENT = "rogue-deployment"
MONITORING_GAP = "monitoring-gap"
LEDGER_GAP = "ledger-gap"
UNMONITORED_EXECUTION = "unmonitored-execution"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a person should look at, filed under a deployment, session and category.

    `evidence` is what the alert keeps (one compact JSON object per process or record);
    `detail` is the same facts for machine output.
    """

    category: str
    deployment_id: str
    session_id: str
    severity: Severity
    score: float
    explanation: str
    evidence: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict, compare=False)
