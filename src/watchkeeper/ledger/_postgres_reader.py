"""Reading a PostgreSQL ledger: the head, typed events, and verify and export over one snapshot.

Verification and export read `StoredRecord`s and `Checkpoint`s out of one `REPEATABLE READ`
transaction and hand them to the same `verify_records` and `write_jsonl` the SQLite ledger
uses, so both backends are checked and exported by one piece of code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import Any, TextIO, TypeVar

import psycopg

from watchkeeper.events import Event, parse_event
from watchkeeper.ledger._chain import GENESIS
from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._errors import LedgerOpenError
from watchkeeper.ledger._export import Redactor, write_jsonl
from watchkeeper.ledger._postgres_schema import connect, display_url, require_schema
from watchkeeper.ledger._reader import Head
from watchkeeper.ledger._schema import StoredRecord
from watchkeeper.ledger._trust import TrustRoots
from watchkeeper.ledger._verify import VerifyReport, verify_records

__all__ = [
    "ConnectionSource",
    "export_postgres",
    "on_live_connection",
    "postgres_events",
    "postgres_head",
    "read_error",
    "read_head",
    "verify_postgres",
]

ConnectionSource = Callable[[], AbstractContextManager[psycopg.Connection]]
"""Lend a connection for one short read (a pool's `connection`, or a fresh one)."""

_PAGE = 500
#: Dead pooled connections a read skips before giving up: more than a `PostgresLedger`'s
#: readers' pool holds (4), so one read gets past all of them after a server restart.
_STALE_RETRIES = 5
_T = TypeVar("_T")
_FETCH = 2000
_SELECT_RECORDS = (
    "SELECT seq, id, kind, ts, session_id, deployment_id, prev, commitment, hash, payload, salt "
    "FROM records ORDER BY seq"
)
_PAGE_ALL = (
    "SELECT seq, payload FROM records WHERE seq > %s AND payload IS NOT NULL ORDER BY seq LIMIT %s"
)
_PAGE_SESSION = (
    "SELECT seq, payload FROM records WHERE session_id = %s AND seq > %s "
    "AND payload IS NOT NULL ORDER BY seq LIMIT %s"
)


def read_head(conn: psycopg.Connection) -> Head:
    """Return the last record's seq and hash (`Head(0, <64 zeros>)` when empty)."""
    row = conn.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
    return Head(0, GENESIS.hex()) if row is None else Head(int(row[0]), str(row[1]))


def postgres_head(url: str) -> Head:
    """Return the committed head of the ledger at `url`."""
    with _snapshot(url) as conn:
        return read_head(conn)


def on_live_connection(borrow: ConnectionSource, read: Callable[[psycopg.Connection], _T]) -> _T:
    """Return `read(conn)` on a borrowed connection, on another one if that one was dead.

    A pooled connection can have died since it was last used (server restart,
    `pg_terminate_backend`); the pool does not check it on lending (that cost a round trip
    per read), so a read that finds it broken is retried, up to `_STALE_RETRIES` times, on
    the next connection (the pool throws broken ones away). Other errors are raised at once.
    """
    for attempt in range(_STALE_RETRIES + 1):
        conn: psycopg.Connection | None = None
        try:
            with borrow() as conn:
                return read(conn)
        except psycopg.OperationalError:
            if attempt == _STALE_RETRIES or conn is None or not conn.broken:
                raise
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def postgres_events(
    borrow: ConnectionSource,
    *,
    after_seq: int = 0,
    session_id: str | None = None,
    limit: int | None = None,
) -> Iterator[tuple[int, Event]]:
    """Yield `(seq, event)` in sequence order, a page per borrowed connection.

    Records whose payload is withheld are skipped; no connection is held between pages.
    """
    remaining = limit
    cursor = after_seq
    while remaining is None or remaining > 0:
        size = _PAGE if remaining is None else min(_PAGE, remaining)
        params: tuple[object, ...]
        if session_id is None:
            query, params = _PAGE_ALL, (cursor, size)
        else:
            query, params = _PAGE_SESSION, (session_id, cursor, size)
        rows = on_live_connection(borrow, partial(_fetch_all, query=query, params=params))
        for seq, payload in rows:
            yield int(seq), parse_event(json.loads(payload))
        if len(rows) < size:
            return
        cursor = int(rows[-1][0])
        if remaining is not None:
            remaining -= len(rows)


def _fetch_all(conn: psycopg.Connection, *, query: str, params: tuple[object, ...]) -> list[Any]:
    return conn.execute(query, params).fetchall()


def _records(conn: psycopg.Connection) -> Iterator[StoredRecord]:
    """Yield every record in sequence order through a server-side cursor."""
    with conn.cursor(name="ledger_records") as cursor:
        cursor.itersize = _FETCH
        cursor.execute(_SELECT_RECORDS)
        for row in cursor:
            yield StoredRecord(*row)


def _checkpoints(conn: psycopg.Connection) -> list[Checkpoint]:
    rows = conn.execute("SELECT seq, hash, ts, key_id, signature FROM checkpoints ORDER BY seq")
    return [Checkpoint(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]


@contextmanager
def _snapshot(url: str) -> Iterator[psycopg.Connection]:
    """Lend a schema-checked connection inside one read-only `REPEATABLE READ` transaction."""
    conn = connect(url, autocommit=True)
    try:
        require_schema(conn, url)
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        yield conn
    finally:
        conn.close()


def verify_postgres(
    url: str, public_key: TrustRoots, *, require_signatures: bool = True
) -> VerifyReport:
    """Verify the ledger at `url` in one consistent snapshot (as `verify_ledger` does a file)."""
    try:
        with _snapshot(url) as conn:
            return verify_records(
                _records(conn),
                _checkpoints(conn),
                public_key,
                require_signatures=require_signatures,
            )
    except psycopg.Error as exc:
        raise read_error(url, exc) from exc


def export_postgres(url: str, out: TextIO, *, redact: Redactor | None = None) -> int:
    """Write the ledger at `url` to `out` as JSON Lines (as `export_jsonl` does a file)."""
    try:
        with _snapshot(url) as conn:
            return write_jsonl(_checkpoints(conn), _records(conn), out, redact=redact)
    except psycopg.Error as exc:
        raise read_error(url, exc) from exc


def read_error(url: str, exc: psycopg.Error) -> LedgerOpenError:
    reason = " ".join(str(exc).split())
    return LedgerOpenError(
        f"ledger database `{display_url(url)}` could not be read ({reason}); check the server"
    )
