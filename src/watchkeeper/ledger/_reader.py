"""Reading a ledger without writing to it: typed events and the chain head.

Each call opens its own short-lived read-only connection, so readers never hold the writer up
and a reader can follow a ledger that another process is appending to.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.events import Event, parse_event
from watchkeeper.ledger._chain import GENESIS
from watchkeeper.ledger._schema import connect_reader, read_head

__all__ = ["Head", "ledger_head", "read_events"]

_PAGE = 500


@dataclass(frozen=True, slots=True)
class Head:
    """The last record of the chain: how many records there are and the last hash."""

    seq: int
    hash: str


def ledger_head(path: Path) -> Head:
    """Return the committed head of the ledger at `path` (`Head(0, <64 zeros>)` when empty)."""
    conn = connect_reader(path)
    try:
        head = read_head(conn)
    finally:
        conn.close()
    return Head(0, GENESIS.hex()) if head is None else Head(*head)


def _page(path: Path, after_seq: int, session_id: str | None, size: int) -> list[tuple[int, bytes]]:
    conn = connect_reader(path)
    try:
        if session_id is None:
            query = (
                "SELECT seq, payload FROM records WHERE seq > ? AND payload IS NOT NULL "
                "ORDER BY seq LIMIT ?"
            )
            rows = conn.execute(query, (after_seq, size)).fetchall()
        else:
            query = (
                "SELECT seq, payload FROM records WHERE session_id = ? AND seq > ? "
                "AND payload IS NOT NULL ORDER BY seq LIMIT ?"
            )
            rows = conn.execute(query, (session_id, after_seq, size)).fetchall()
    finally:
        conn.close()
    return [(int(seq), bytes(payload)) for seq, payload in rows]


def read_events(
    path: Path, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
) -> Iterator[tuple[int, Event]]:
    """Yield `(seq, event)` in sequence order, skipping records whose payload is withheld.

    Events are read a page at a time; no connection stays open between pages.
    """
    remaining = limit
    cursor = after_seq
    while remaining is None or remaining > 0:
        size = _PAGE if remaining is None else min(_PAGE, remaining)
        rows = _page(path, cursor, session_id, size)
        for seq, payload in rows:
            yield seq, parse_event(json.loads(payload))
        if len(rows) < size:
            return
        cursor = rows[-1][0]
        if remaining is not None:
            remaining -= len(rows)
