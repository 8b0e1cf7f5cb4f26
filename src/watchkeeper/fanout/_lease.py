"""The right to publish one ledger, and where its publisher has got to.

Several gateways may serve one ledger; exactly one of them publishes it at a time. The
others stand by and try again every few seconds, so when the holder dies its lease is free
and one of them takes over, from the shared cursor, with nothing lost and (within
JetStream's duplicate window) nothing twice.

- `FileLease`, for a SQLite ledger: an exclusive `flock` on ``<cursor>.lock`` beside the
  cursor file. The kernel releases it when the holder's process dies, however it dies.
- `PostgresLease`, for a PostgreSQL ledger: a session-level advisory lock, keyed by the
  ledger's schema and the fan-out prefix, held on a connection of its own. The server
  releases it when that connection ends (the holder died, or its backend was terminated).
  The cursor is a row of ``fanout_cursors`` in the ledger's schema, so a gateway on another
  machine resumes where the last holder stopped.

A lease that is lost while held (its connection broke) reports so from `held()` or `save()`,
and the publisher goes back to standing by.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

import psycopg

from watchkeeper.fanout._config import FanoutConfig
from watchkeeper.fanout._cursor import Cursor, cursor_path
from watchkeeper.ledger import display_url

__all__ = [
    "FileLease",
    "LeaseLostError",
    "PostgresLease",
    "PublisherLease",
    "publisher_lease",
]

_LOCK_CLASS = "watchkeeper-fanout"
_KEY = "hashtext(%s), hashtext(current_schema() || '/' || %s)"
_TRY_LOCK = f"SELECT pg_try_advisory_lock({_KEY})"
_UNLOCK = f"SELECT pg_advisory_unlock({_KEY})"
_LOAD = "SELECT seq FROM fanout_cursors WHERE prefix = %s"
_SAVE = (
    "INSERT INTO fanout_cursors (prefix, seq) VALUES (%s, %s) "
    "ON CONFLICT (prefix) DO UPDATE SET seq = EXCLUDED.seq"
)
_CONNECT_TIMEOUT_SECONDS = 5


class LeaseLostError(Exception):
    """The lease was held but is gone (its connection broke); stop publishing and stand by."""


class PublisherLease(Protocol):
    """One publisher's claim on a ledger, and the shared cursor that goes with it."""

    @property
    def where(self) -> str:
        """What the lease locks, for messages."""
        ...

    def acquire(self) -> bool:
        """Take the lease if it is free (never waits); return whether this process holds it."""
        ...

    def held(self) -> bool:
        """Return whether the lease is still held (False once it was lost or released)."""
        ...

    def load(self) -> int:
        """Return the shared cursor: every event up to it is acknowledged by JetStream."""
        ...

    def save(self, seq: int) -> None:
        """Move the shared cursor to `seq`; raises `LeaseLostError` if the lease is gone."""
        ...

    def release(self) -> None:
        """Give the lease up (a no-op when not held)."""
        ...


class FileLease:
    """The lease of a SQLite ledger's publisher: `flock` on a file beside the cursor file."""

    def __init__(self, cursor: Path) -> None:
        self._cursor = Cursor(cursor)
        self._lock_path = cursor.with_name(cursor.name + ".lock")
        self._file: IO[bytes] | None = None

    @property
    def where(self) -> str:
        """The lock file."""
        return str(self._lock_path)

    @property
    def cursor(self) -> Cursor:
        """The cursor file this lease guards."""
        return self._cursor

    def acquire(self) -> bool:
        """Take the `flock` if no other process holds it."""
        if self._file is not None:
            return True
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        except BaseException:
            handle.close()
            raise
        self._file = handle
        return True

    def held(self) -> bool:
        """A `flock` cannot be taken away from a living process: held until released."""
        return self._file is not None

    def load(self) -> int:
        """Read the cursor file (raises `CursorError` if it is unreadable)."""
        return self._cursor.load()

    def save(self, seq: int) -> None:
        """Replace the cursor file atomically."""
        if self._file is None:
            raise LeaseLostError(f"publisher lease `{self.where}` is not held")
        self._cursor.save(seq)

    def release(self) -> None:
        """Close the lock file, which drops the `flock`."""
        if self._file is not None:
            self._file.close()
            self._file = None


class PostgresLease:
    """The lease of a PostgreSQL ledger's publisher: an advisory lock on its own connection.

    The connection stays open while standing by too, so a standby reads the shared cursor
    (and so its lag) without connecting again every time.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = prefix
        self._conn: psycopg.Connection | None = None
        self._holding = False

    @property
    def where(self) -> str:
        """The ledger database (without password) and the fan-out prefix."""
        return f"{display_url(self._url)} ({self._prefix})"

    def acquire(self) -> bool:
        """Try the advisory lock (never waits); raises `psycopg.Error` if the server is away."""
        if self._holding and self.held():
            return True
        conn = self._connection()
        try:
            row = conn.execute(_TRY_LOCK, (_LOCK_CLASS, self._prefix)).fetchone()
        except psycopg.Error:
            self.release()
            raise
        self._holding = row is not None and bool(row[0])
        return self._holding

    def held(self) -> bool:
        """Ask the server (one round trip); a broken connection means the lock is gone."""
        if not self._holding or self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
        except psycopg.Error:
            self.release()
            return False
        return True

    def load(self) -> int:
        """Read the cursor row (0 when this prefix was never published)."""
        try:
            row = self._connection().execute(_LOAD, (self._prefix,)).fetchone()
        except psycopg.Error as exc:
            self.release()
            raise LeaseLostError(f"publisher lease `{self.where}` was lost ({exc})") from exc
        return 0 if row is None else int(row[0])

    def save(self, seq: int) -> None:
        """Upsert the cursor row on the lease's own connection (committed at once)."""
        if not self._holding or self._conn is None:
            raise LeaseLostError(f"publisher lease `{self.where}` is not held")
        try:
            self._conn.execute(_SAVE, (self._prefix, seq))
        except psycopg.Error as exc:
            self.release()
            raise LeaseLostError(f"publisher lease `{self.where}` was lost ({exc})") from exc

    def release(self) -> None:
        """Unlock (so a standby can take over at once) and close the connection.

        Closing alone would release the lock too, but only once the server's backend has
        exited, a moment later.
        """
        conn, holding = self._conn, self._holding
        self._conn, self._holding = None, False
        if conn is None:
            return
        with contextlib.suppress(psycopg.Error):
            if holding and not conn.broken:
                conn.execute(_UNLOCK, (_LOCK_CLASS, self._prefix))
            conn.close()

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.broken or self._conn.closed:
            self.release()
            self._conn = psycopg.connect(
                self._url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_SECONDS
            )
        return self._conn


def publisher_lease(home: Path, config: FanoutConfig, location: Path | str) -> PublisherLease:
    """The lease for publishing the ledger at `location` (a PostgreSQL url or a SQLite file)."""
    if isinstance(location, str):
        return PostgresLease(location, config.prefix)
    return FileLease(cursor_path(home, config))
