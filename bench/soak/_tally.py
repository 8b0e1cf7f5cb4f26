"""What the agents saw: decisions and their latency, refusals, and every acknowledged event."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Tally"]


class Tally(BaseModel):
    """One load generator's counts (and its own CPU seconds), merged across processes with `merge`.

    `acked` holds `(event id, content hash)` of every event a gateway acknowledged (tool calls
    answered by `/v1/decide` and events answered by `/v1/events`), `verdicts` the
    `(call id, decision)` each decide returned, and `suspicious` the `(message id, wall-clock
    ack time)` of every message a monitor should alert on. `refused` counts decide attempts
    that got no verdict (connection refused or reset, timeout, a non-200 status) by reason;
    `unexpected_allows` counts allows of calls that the policy must deny, and allows that came
    with a non-200 status. Both must be zero for the gateways to have failed closed.
    """

    model_config = ConfigDict(extra="forbid")

    decisions: dict[str, int] = Field(default_factory=dict)
    latencies_ms: list[float] = Field(default_factory=list)
    sent_at: list[float] = Field(default_factory=list)
    refused: dict[str, int] = Field(default_factory=dict)
    unexpected_allows: int = 0
    event_posts: int = 0
    event_posts_failed: dict[str, int] = Field(default_factory=dict)
    acked: list[tuple[str, str]] = Field(default_factory=list)
    verdicts: list[tuple[str, str]] = Field(default_factory=list)
    suspicious: list[tuple[str, float]] = Field(default_factory=list)
    cpu_seconds: float = 0.0

    def decided(self, decision: str, seconds: float, *, sent_at: float, must_deny: bool) -> None:
        """Count one answered decide, sent at wall-clock `sent_at`, answered `seconds` later."""
        self.decisions[decision] = self.decisions.get(decision, 0) + 1
        self.latencies_ms.append(seconds * 1000.0)
        self.sent_at.append(sent_at)
        if must_deny and decision == "allow":
            self.unexpected_allows += 1

    def refuse(self, reason: str) -> None:
        """Count one decide that got no verdict."""
        self.refused[reason] = self.refused.get(reason, 0) + 1

    def post_failed(self, reason: str) -> None:
        """Count one `/v1/events` post that was not acknowledged."""
        self.event_posts_failed[reason] = self.event_posts_failed.get(reason, 0) + 1

    @property
    def decided_total(self) -> int:
        """How many decides got a verdict."""
        return sum(self.decisions.values())

    @property
    def refused_total(self) -> int:
        """How many decides got no verdict (the fail-closed answers of a dead gateway)."""
        return sum(self.refused.values())

    @classmethod
    def merge(cls, parts: list[Tally]) -> Tally:
        """Return one tally holding every part's counts and records."""
        total = cls()
        decisions: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        failed: Counter[str] = Counter()
        for part in parts:
            decisions.update(part.decisions)
            refused.update(part.refused)
            failed.update(part.event_posts_failed)
            total.latencies_ms += part.latencies_ms
            total.sent_at += part.sent_at
            total.unexpected_allows += part.unexpected_allows
            total.event_posts += part.event_posts
            total.acked += part.acked
            total.verdicts += part.verdicts
            total.suspicious += part.suspicious
            total.cpu_seconds += part.cpu_seconds
        total.decisions = dict(decisions)
        total.refused = dict(refused)
        total.event_posts_failed = dict(failed)
        return total
