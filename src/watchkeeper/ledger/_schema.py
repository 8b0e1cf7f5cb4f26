"""The SQLite layout of a ledger and the two ways to connect to it (writer, reader)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from watchkeeper.ledger._chain import envelope
from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._errors import LedgerNotFoundError, LedgerOpenError

__all__ = [
    "INSERT_CHECKPOINT",
    "INSERT_RECORD",
    "MAX_STATEMENT_ROWS",
    "PAGE_SIZE",
    "RECORD_FIELDS",
    "StoredRecord",
    "connect_reader",
    "connect_writer",
    "insert_records",
    "read_checkpoints",
    "read_head",
    "read_records",
    "statement_rows",
]

SCHEMA_VERSION = 1
"""`user_version` of a ledger file; bump it with any change to `_SCHEMA` (a file already at
this version is not touched when opened)."""
BUSY_TIMEOUT_MS = 10_000
PAGE_SIZE = 16_384
"""Page size of a new ledger file: a fifth less SQLite CPU per appended row than 4,096."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts TEXT NOT NULL,
    session_id TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    prev TEXT NOT NULL,
    commitment TEXT NOT NULL,
    hash TEXT NOT NULL,
    payload BLOB,
    salt BLOB
);
CREATE INDEX IF NOT EXISTS records_by_session ON records (session_id, seq);
CREATE TABLE IF NOT EXISTS checkpoints (
    seq INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    ts TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
"""

RECORD_FIELDS = 11
INSERT_RECORD = (
    "INSERT INTO records (id, kind, ts, session_id, deployment_id, payload, salt, commitment, "
    "seq, prev, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)
MAX_STATEMENT_ROWS = 2048
"""The most rows one `INSERT` takes (22,528 parameters: within SQLite's default of 32,766)."""
_STEP = 64  # above this many rows, statements come in multiples of it
_PAD: list[object] = [0]  # an int: sqlite3 binds it without the adapter lookup None needs


@cache
def _insert_statement(rows: int) -> str:
    """Return an `INSERT` of up to `rows` rows; rows with `seq` 0 are padding, skipped."""
    columns = INSERT_RECORD.split(" VALUES ", 1)[0]
    values = ",".join(["(?,?,?,?,?,?,?,?,?,?,?)"] * rows)
    # Only constant column names and placeholders go into the text; values are bound.
    return f"{columns} SELECT * FROM (VALUES {values}) WHERE column9 > 0"  # noqa: S608


def statement_rows(rows: int) -> int:
    """Return the padded size of an `INSERT` of `rows` rows (1 ≤ `rows` ≤ 2,048).

    Powers of two up to 64, then multiples of 64: at most 38 statements are ever prepared
    (sqlite3 caches 128 per connection), and padding never exceeds 63 rows past 64.
    """
    if rows <= _STEP:
        return 1 << (rows - 1).bit_length()
    return -(-rows // _STEP) * _STEP


def insert_records(conn: sqlite3.Connection, flat: list[object]) -> None:
    """Insert rows (`RECORD_FIELDS` values each, in one flat list).

    Up to 2,048 rows go in as one `INSERT`, padded (`statement_rows`) with rows whose `seq` is
    0, which the statement skips (`flat` is padded in place); in autocommit mode that one
    statement is a whole transaction. More rows take several statements, so the caller must
    wrap them in a transaction. SQLite releases the GIL for each statement and the writer must
    then wait to get it back from the submitting threads, so statements, not rows, are what
    cost it most.
    """
    width = MAX_STATEMENT_ROWS * RECORD_FIELDS
    if len(flat) <= width:
        if flat:
            _insert_padded(conn, flat)
        return
    for start in range(0, len(flat), width):
        _insert_padded(conn, flat[start : start + width])


def _insert_padded(conn: sqlite3.Connection, chunk: list[object]) -> None:
    rows = len(chunk) // RECORD_FIELDS
    padded = statement_rows(rows)
    chunk += _PAD * ((padded - rows) * RECORD_FIELDS)
    conn.execute(_insert_statement(padded), chunk)


_SELECT_RECORDS = (
    "SELECT seq, id, kind, ts, session_id, deployment_id, prev, commitment, hash, payload, salt "
    "FROM records WHERE seq > ? ORDER BY seq"
)
INSERT_CHECKPOINT = "INSERT INTO checkpoints (seq, hash, ts, key_id, signature) VALUES (?,?,?,?,?)"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One ledger row: its envelope fields, hash, and payload and salt unless withheld."""

    seq: int
    id: str
    kind: str
    ts: str
    session_id: str
    deployment_id: str
    prev: str
    commitment: str
    hash: str
    payload: bytes | None
    salt: bytes | None

    def envelope(self) -> dict[str, Any]:
        """Return the envelope mapping this record's hash covers."""
        return envelope(
            seq=self.seq,
            prev=self.prev,
            event_id=self.id,
            kind=self.kind,
            ts=self.ts,
            session_id=self.session_id,
            deployment_id=self.deployment_id,
            commitment=self.commitment,
        )


def connect_writer(path: Path) -> sqlite3.Connection:
    """Open the write connection: WAL, `synchronous=FULL`, schema created, autocommit mode.

    The schema is created (and `user_version` set) only when the file is not at
    `SCHEMA_VERSION` yet; the version is set after the tables, so a file that has it has them.

    Nothing opens a transaction implicitly: a statement is either inside an explicit
    `BEGIN IMMEDIATE` … `COMMIT` or its own transaction, so a commit is the only
    acknowledgement and it is on disk when it returns. A new ledger file is created mode
    0600 (it holds full payloads), with `PAGE_SIZE` pages; SQLite gives its -wal and -shm
    files the same mode. An existing file keeps the page size it was made with.
    """
    try:
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    except (OSError, sqlite3.Error) as exc:
        msg = f"ledger `{path}` cannot be opened for writing ({exc}); check the path and access"
        raise LedgerOpenError(msg) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # takes effect on a new file only
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        # A ledger at this version has its tables: opening it then writes nothing (no commit,
        # no fsync), which a process that opens the ledger for one append pays on every call.
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as exc:
        conn.close()
        msg = f"ledger `{path}` cannot be opened for writing ({exc}); check that it is a ledger"
        raise LedgerOpenError(msg) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def connect_reader(path: Path) -> sqlite3.Connection:
    """Open a read-only connection to an existing ledger (raises `LedgerNotFoundError`)."""
    if not path.is_file():
        msg = f"ledger `{path}` does not exist; check the path (or --home / --db)"
        raise LedgerNotFoundError(msg)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = 1")
    except BaseException:
        conn.close()
        raise
    return conn


def read_head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """Return the last record's (seq, hash), or None when the ledger is empty."""
    row = conn.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def read_records(conn: sqlite3.Connection, *, after_seq: int = 0) -> Iterator[StoredRecord]:
    """Yield every record after `after_seq` in sequence order."""
    cursor = conn.execute(_SELECT_RECORDS, (after_seq,))
    for row in cursor:
        yield StoredRecord(*row)


def read_checkpoints(conn: sqlite3.Connection) -> list[Checkpoint]:
    """Return every checkpoint in sequence order."""
    rows = conn.execute("SELECT seq, hash, ts, key_id, signature FROM checkpoints ORDER BY seq")
    return [Checkpoint(*row) for row in rows]
