"""A ledger to read, wherever it lives: head, events, verify and export on either backend.

`ledger_source` picks the backend from the location exactly as `open_ledger` does, so the
`ledger` commands (and anything else that only reads) never branch on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from watchkeeper.events import Event
from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._export import Redactor, export_jsonl
from watchkeeper.ledger._open import ledger_location
from watchkeeper.ledger._postgres_reader import (
    export_postgres,
    postgres_events,
    postgres_head,
    read_error,
    verify_postgres,
)
from watchkeeper.ledger._postgres_schema import connect, display_url, require_schema
from watchkeeper.ledger._reader import Head, ledger_head, read_events
from watchkeeper.ledger._schema import connect_reader
from watchkeeper.ledger._verify import VerifyReport, verify_ledger

__all__ = ["LedgerSource", "PostgresSource", "SqliteSource", "ledger_source"]

_LAST_CHECKPOINT = (
    "SELECT seq, hash, ts, key_id, signature FROM checkpoints ORDER BY seq DESC LIMIT 1"
)


class LedgerSource(Protocol):
    """Read-only access to one ledger; every call takes its own connection."""

    @property
    def name(self) -> str:
        """The ledger's location as shown to people (a path, or a url without password)."""
        ...

    @property
    def keys(self) -> Path:
        """The directory where the ledger's public key is looked for by default."""
        ...

    def head(self) -> Head: ...

    def last_checkpoint(self) -> Checkpoint | None:
        """The newest signed checkpoint, or None when none was signed yet (not verified)."""
        ...

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]: ...

    def verify(
        self, public_key: Ed25519PublicKey | None, *, require_signatures: bool = True
    ) -> VerifyReport: ...

    def export_jsonl(self, out: TextIO, *, redact: Redactor | None = None) -> int: ...


@dataclass(frozen=True, slots=True)
class SqliteSource:
    """A ledger in a SQLite file; its key directory is `keys/` beside the file."""

    path: Path

    @property
    def name(self) -> str:
        """The file path."""
        return str(self.path)

    @property
    def keys(self) -> Path:
        """`keys/` beside the file."""
        return self.path.parent / "keys"

    def head(self) -> Head:
        """Return the committed head."""
        return ledger_head(self.path)

    def last_checkpoint(self) -> Checkpoint | None:
        """Return the newest checkpoint, or None."""
        conn = connect_reader(self.path)
        try:
            row = conn.execute(_LAST_CHECKPOINT).fetchone()
        finally:
            conn.close()
        return None if row is None else Checkpoint(*row)

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]:
        """Yield `(seq, event)` in sequence order."""
        return read_events(self.path, after_seq=after_seq, session_id=session_id, limit=limit)

    def verify(
        self, public_key: Ed25519PublicKey | None, *, require_signatures: bool = True
    ) -> VerifyReport:
        """Verify the file in one snapshot."""
        return verify_ledger(self.path, public_key, require_signatures=require_signatures)

    def export_jsonl(self, out: TextIO, *, redact: Redactor | None = None) -> int:
        """Write the file's ledger as JSON Lines."""
        return export_jsonl(self.path, out, redact=redact)


@dataclass(frozen=True, slots=True)
class PostgresSource:
    """A ledger in a PostgreSQL schema; its key directory is `<home>/keys`."""

    url: str
    keys: Path

    @property
    def name(self) -> str:
        """The url without its password."""
        return display_url(self.url)

    def head(self) -> Head:
        """Return the committed head."""
        return postgres_head(self.url)

    def last_checkpoint(self) -> Checkpoint | None:
        """Return the newest checkpoint, or None."""
        with self._connection() as conn:
            require_schema(conn, self.url)
            try:
                row = conn.execute(_LAST_CHECKPOINT).fetchone()
            except psycopg.Error as exc:
                raise read_error(self.url, exc) from exc
        return None if row is None else Checkpoint(int(row[0]), *map(str, row[1:]))

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]:
        """Yield `(seq, event)` in sequence order, one short connection per page."""
        return postgres_events(
            self._connection, after_seq=after_seq, session_id=session_id, limit=limit
        )

    def _connection(self) -> psycopg.Connection:
        return connect(self.url, autocommit=True)

    def verify(
        self, public_key: Ed25519PublicKey | None, *, require_signatures: bool = True
    ) -> VerifyReport:
        """Verify the ledger in one snapshot."""
        return verify_postgres(self.url, public_key, require_signatures=require_signatures)

    def export_jsonl(self, out: TextIO, *, redact: Redactor | None = None) -> int:
        """Write the ledger as JSON Lines."""
        return export_postgres(self.url, out, redact=redact)


def ledger_source(home: Path, url: str | None = None) -> LedgerSource:
    """Return the ledger at `ledger_location(home, url)` for reading."""
    location = ledger_location(home, url)
    if isinstance(location, str):
        return PostgresSource(location, home / "keys")
    return SqliteSource(location)
