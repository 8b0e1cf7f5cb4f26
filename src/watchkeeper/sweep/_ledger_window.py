"""Reading what coverage needs from the ledger, and only what was appended since last time.

A session's process events come through the ledger's session index. The calls, verdicts and
results of its deployment have no index, but sequence numbers grow with time, so the first
record of the session's window is found by bisection over `seq` (`LedgerSource.seq_at`, a few
point lookups) and only records from there on are read. `SessionEvents` remembers what it
read per session, so a periodic sweep reads each record once, not every 30 s. It reads
through `LedgerSource`, so a SQLite file and a PostgreSQL ledger are read alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from watchkeeper.events import Event
from watchkeeper.ledger import LedgerNotFoundError, LedgerSource, SqliteSource

__all__ = ["SessionEvents"]

_CALL_KINDS = ("tool_call", "verdict", "tool_result")
#: Appenders in several processes stamp their own time, so the order is only nearly monotonic.
_SLACK = timedelta(minutes=5)


@dataclass(slots=True)
class _Read:
    """What was read for one session, and up to which record."""

    since: datetime
    seq: int = 0
    processes: list[Event] = field(default_factory=list)
    calls: list[Event] = field(default_factory=list)


class SessionEvents:
    """The process events of supervised sessions and their deployments' calls, cached.

    `ledger` is where to read (a path is a SQLite ledger file).
    """

    def __init__(self, ledger: LedgerSource | Path) -> None:
        self._source = SqliteSource(ledger) if isinstance(ledger, Path) else ledger
        self._read: dict[tuple[str, str], _Read] = {}

    def read(
        self, *, session_id: str, deployment: str, since: datetime, until: datetime
    ) -> tuple[list[Event], list[Event]]:
        """Return (the session's process events, `deployment`'s calls, verdicts and results
        stamped within [since, until]); a ledger file that does not exist yet has none."""
        key = (session_id, deployment)
        state = self._read.get(key)
        if state is None or state.since != since:
            state = self._read[key] = _Read(since)
        source = self._source
        try:
            head = source.head().seq
        except LedgerNotFoundError:
            return [], []
        if head > state.seq:
            processes = source.events_between(
                state.seq, head, session_id=session_id, kinds=("process",)
            )
            start = state.seq or max(source.seq_at(since - _SLACK) - 1, 0)
            calls = source.events_between(start, head, deployment_id=deployment, kinds=_CALL_KINDS)
            state.processes += [e for _, e in processes]
            state.calls += [e for _, e in calls if e.ts >= since]
            state.seq = head
        return list(state.processes), [e for e in state.calls if e.ts <= until]

    def retain(self, session_ids: Iterable[str]) -> None:
        """Forget every session not in `session_ids`."""
        keep = set(session_ids)
        self._read = {k: v for k, v in self._read.items() if k[0] in keep}
