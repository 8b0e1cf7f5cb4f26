"""Reading what coverage needs from the ledger, and only what was appended since last time.

A session's process events come through the ledger's session index. The calls, verdicts and
results of its deployment have no index, but sequence numbers grow with time, so the first
record of the session's window is found by a binary search over `seq` (a few point lookups)
and only records from there on are read. `SessionEvents` remembers what it read per session,
so a periodic sweep reads each record once, not every 30 s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import orjson

from watchkeeper.events import Event, parse_event

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
    """The process events of supervised sessions and their deployments' calls, cached."""

    def __init__(self, ledger: Path) -> None:
        self._ledger = ledger
        self._read: dict[tuple[str, str], _Read] = {}

    def read(
        self, *, session_id: str, deployment: str, since: datetime, until: datetime
    ) -> tuple[list[Event], list[Event]]:
        """Return (the session's process events, `deployment`'s calls, verdicts and results
        stamped within [since, until]); a missing ledger has none."""
        from watchkeeper.ledger import LedgerNotFoundError
        from watchkeeper.ledger._schema import connect_reader

        key = (session_id, deployment)
        state = self._read.get(key)
        if state is None or state.since != since:
            state = self._read[key] = _Read(since)
        try:
            conn = connect_reader(self._ledger)
        except LedgerNotFoundError:
            return [], []
        try:
            conn.execute("BEGIN")
            head = int(conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()[0])
            if head > state.seq:
                state.processes += _rows(
                    conn,
                    "session_id = ? AND kind = 'process'",
                    (session_id,),
                    state.seq,
                    head,
                )
                start = state.seq or max(_first_seq_at(conn, since - _SLACK) - 1, 0)
                state.calls += [
                    e
                    for e in _rows(
                        conn,
                        "deployment_id = ? AND kind IN (?, ?, ?)",
                        (deployment, *_CALL_KINDS),
                        start,
                        head,
                    )
                    if e.ts >= since
                ]
                state.seq = head
            conn.execute("COMMIT")
        finally:
            conn.close()
        return list(state.processes), [e for e in state.calls if e.ts <= until]

    def retain(self, session_ids: Iterable[str]) -> None:
        """Forget every session not in `session_ids`."""
        keep = set(session_ids)
        self._read = {k: v for k, v in self._read.items() if k[0] in keep}


def _rows(
    conn: sqlite3.Connection, where: str, params: tuple[str, ...], after: int, upto: int
) -> list[Event]:
    rows = conn.execute(
        f"SELECT payload FROM records WHERE {where} AND seq > ? AND seq <= ? "  # noqa: S608 - constant clauses
        "AND payload IS NOT NULL ORDER BY seq",
        (*params, after, upto),
    ).fetchall()
    return [parse_event(orjson.loads(payload)) for (payload,) in rows]


def _first_seq_at(conn: sqlite3.Connection, when: datetime) -> int:
    """Return the smallest seq whose record is stamped at or after `when` (approximately)."""
    low, high = conn.execute(
        "SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM records"
    ).fetchone()
    while low < high:
        middle = (low + high) // 2
        row = conn.execute(
            "SELECT ts FROM records WHERE seq >= ? ORDER BY seq LIMIT 1", (middle,)
        ).fetchone()
        if row is None or datetime.fromisoformat(row[0]) >= when:
            high = middle
        else:
            low = middle + 1
    return int(low)
