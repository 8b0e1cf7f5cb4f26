"""Closed sets of values shared across stages; each is defined here once and imported."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Decision", "EventKind", "Severity"]


class Decision(StrEnum):
    """What the gateway tells an agent about one tool call."""

    ALLOW = "allow"
    DENY = "deny"
    ASK = "ask"


class EventKind(StrEnum):
    """The `kind` tag of every ledger record."""

    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    REASONING = "reasoning"
    MESSAGE = "message"
    VERDICT = "verdict"
    LIFECYCLE = "lifecycle"
    ERROR = "error"
    ALERT = "alert"
    PROCESS = "process"
    DEPLOYMENT = "deployment"
    REVIEW = "review"


class Severity(StrEnum):
    """How urgently a finding needs a person, lowest first."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Return 0 for `info` up to 4 for `critical`, for comparisons."""
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER = tuple(Severity)
