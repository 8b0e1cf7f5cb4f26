"""The figures behind the report's charts, gathered in one pass over the ledger.

Each figure is counted from events, not from the assessment's text, so a test (or a reader
with the ledger) can recount it. The window and the deployments kept are the assessment's:
[`start`, `end`), drill deployments left out except for their containment results.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from watchkeeper.assess import EVASION, INTEGRITY
from watchkeeper.events import (
    AlertEvent,
    Decision,
    DeploymentEvent,
    Event,
    ProcessEvent,
    ReviewEvent,
    ToolCall,
    VerdictEvent,
)

__all__ = ["Containment", "DeploymentFigures", "ReportFigures", "gather_figures"]

_DRILL_PREFIX = "drill-"
_UNMONITORED = "unmonitored-execution"
_PROBING = "probing"


def _per_100(count: int, base: int) -> float:
    return count * 100 / max(base, 1)


class DeploymentFigures(BaseModel):
    """Counts for one deployment over the period; the rates are derived from them."""

    model_config = ConfigDict(frozen=True)

    deployment: str
    sessions: int = 0
    tool_calls: int = 0
    decided: int = 0
    denied: int = 0
    probing: int = 0
    integrity: int = 0
    evasion: int = 0
    approved: int = 0
    rejected: int = 0
    process_starts: int = 0
    unmonitored: int = 0

    @property
    def denial_rate(self) -> float | None:
        """Percent of decided calls the policy denied, or None without decisions."""
        return self.denied * 100 / self.decided if self.decided else None

    @property
    def probing_per_100(self) -> float:
        """`probing` alerts per 100 sessions (sessions counted as at least one)."""
        return _per_100(self.probing, self.sessions)

    @property
    def integrity_per_100(self) -> float:
        """Integrity findings per 100 sessions (sessions counted as at least one)."""
        return _per_100(self.integrity, self.sessions)

    @property
    def approval_rate(self) -> float | None:
        """Percent of reviewer decisions that approved, or None without any."""
        decided = self.approved + self.rejected
        return self.approved * 100 / decided if decided else None

    @property
    def coverage(self) -> float | None:
        """Percent of recorded process starts a gateway-decided call accounted for."""
        if not self.process_starts:
            return None
        covered = max(self.process_starts - self.unmonitored, 0)
        return covered * 100 / self.process_starts


class Containment(BaseModel):
    """One kill or drill result from the ledger."""

    model_config = ConfigDict(frozen=True)

    deployment: str
    event_id: str
    ts: datetime
    contained: bool
    seconds: float | None
    survivors: int


class ReportFigures(BaseModel):
    """Everything the charts draw."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    days: tuple[date, ...]
    categories: tuple[str, ...]
    alerts_by_day: dict[date, dict[str, int]]
    review_latency_s: tuple[float, ...]
    deployments: tuple[DeploymentFigures, ...]
    containments: tuple[Containment, ...]


class _Tally:
    """Mutable counts while reading; frozen into `DeploymentFigures` at the end."""

    def __init__(self) -> None:
        self.sessions: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.call_ts: dict[str, datetime] = {}


def gather_figures(
    events: Iterable[Event], *, start: datetime, end: datetime, only: str | None = None
) -> ReportFigures:
    """Count the report's figures from `events` with a timestamp in [`start`, `end`)."""
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    by_day: dict[date, Counter[str]] = defaultdict(Counter)
    latencies: list[float] = []
    contained: list[Containment] = []
    for event in events:
        if not start <= event.ts < end:
            continue
        name = event.deployment_id
        drill = name.startswith(_DRILL_PREFIX)
        wanted = drill or only is None or name in (only, "all")
        if isinstance(event, DeploymentEvent) and event.action == "contained" and wanted:
            contained.append(_containment(event))
        if drill or (only is not None and name != only):
            continue
        tally = tallies[name]
        if isinstance(event, AlertEvent):
            by_day[event.ts.date()][event.category] += 1
        latency = _count(tally, event)
        if latency is not None:
            latencies.append(latency)
    figures = tuple(_freeze(name, tallies[name]) for name in sorted(tallies))
    return ReportFigures(
        start=start,
        end=end,
        days=_days(start, end),
        categories=tuple(sorted({c for day in by_day.values() for c in day})),
        alerts_by_day={day: dict(counts) for day, counts in sorted(by_day.items())},
        review_latency_s=tuple(latencies),
        deployments=figures,
        containments=tuple(sorted(contained, key=lambda c: c.ts)),
    )


def _count(tally: _Tally, event: Event) -> float | None:
    """Add `event` to `tally`; return a review latency in seconds when it decides an ask."""
    counts = tally.counts
    if isinstance(event, ToolCall):
        tally.sessions.add(event.session_id)
        tally.call_ts[event.id] = event.ts
        counts["tool_calls"] += 1
    elif isinstance(event, VerdictEvent):
        counts["decided"] += 1
        counts["denied"] += event.decision is Decision.DENY
    elif isinstance(event, AlertEvent):
        counts["probing"] += event.category == _PROBING
        counts["integrity"] += event.category in INTEGRITY
        counts["evasion"] += event.category in EVASION
        if event.category == _UNMONITORED:
            counts["unmonitored"] += max(len(event.evidence), 1)
    elif isinstance(event, ProcessEvent):
        counts["process_starts"] += event.phase == "start"
    elif isinstance(event, ReviewEvent) and event.action in ("approve", "deny"):
        counts["approved" if event.action == "approve" else "rejected"] += 1
        call_id = event.detail.get("call_id")
        asked = tally.call_ts.get(call_id) if isinstance(call_id, str) else None
        if asked is not None:
            return (event.ts - asked).total_seconds()
    return None


def _freeze(name: str, tally: _Tally) -> DeploymentFigures:
    return DeploymentFigures(deployment=name, sessions=len(tally.sessions), **tally.counts)


def _containment(event: DeploymentEvent) -> Containment:
    seconds = event.detail.get("time_to_containment_s")
    survivors = event.detail.get("survivors")
    return Containment(
        deployment=event.deployment_id,
        event_id=event.id,
        ts=event.ts,
        contained=bool(event.detail.get("contained")),
        seconds=float(seconds) if isinstance(seconds, int | float) else None,
        survivors=len(survivors) if isinstance(survivors, list) else 0,
    )


def _days(start: datetime, end: datetime) -> tuple[date, ...]:
    first, last = start.date(), (end - timedelta(microseconds=1)).date()
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
