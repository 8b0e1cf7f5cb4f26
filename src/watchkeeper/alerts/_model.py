"""What an alert is: a monitor finding a person should look at, and its review status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from watchkeeper.events import Severity

__all__ = ["ACTIVE_STATUSES", "Alert", "AlertStatus", "dedupe_key"]


class AlertStatus(StrEnum):
    """Where an alert is in review."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


#: Statuses under which a repeat finding folds into the existing alert instead of a new one.
ACTIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


def dedupe_key(deployment_id: str, session_id: str, category: str) -> str:
    """Return the key alerts are deduplicated on: one active alert per session and category."""
    return f"{deployment_id}/{session_id}/{category}"


@dataclass(frozen=True, slots=True)
class Alert:
    """One stored alert. `count` is how many findings were folded into it."""

    id: int
    dedupe_key: str
    deployment_id: str
    session_id: str
    monitor: str
    category: str
    severity: Severity
    score: float
    status: AlertStatus
    first_seen: datetime
    last_seen: datetime
    count: int
    evidence: tuple[str, ...]
    explanation: str
    note: str | None = None
    assignee: str | None = None
