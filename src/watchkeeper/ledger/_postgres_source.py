"""A PostgreSQL ledger read through the `LedgerSource` protocol (see `_source.py`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import psycopg

from watchkeeper.events import Event
from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._export import Redactor
from watchkeeper.ledger._location import display_url
from watchkeeper.ledger._postgres_reader import (
    _snapshot,
    export_postgres,
    postgres_events,
    postgres_head,
    read_error,
    verify_postgres,
)
from watchkeeper.ledger._postgres_schema import connect, require_schema
from watchkeeper.ledger._reader import Head
from watchkeeper.ledger._source import _LAST_CHECKPOINT, Query, _Snapshots
from watchkeeper.ledger._trust import TrustRoots
from watchkeeper.ledger._verify import VerifyReport

__all__ = ["PostgresSource"]


@dataclass(frozen=True, slots=True)
class PostgresSource(_Snapshots):
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

    @contextmanager
    def _snapshot(self) -> Iterator[Query]:
        def query(sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
            return conn.execute(sql.replace("?", "%s").encode(), tuple(params)).fetchall()

        try:
            with _snapshot(self.url) as conn:
                yield query
        except psycopg.Error as exc:
            raise read_error(self.url, exc) from exc

    def verify(self, public_key: TrustRoots, *, require_signatures: bool = True) -> VerifyReport:
        """Verify the ledger in one snapshot."""
        return verify_postgres(self.url, public_key, require_signatures=require_signatures)

    def export_jsonl(self, out: TextIO, *, redact: Redactor | None = None) -> int:
        """Write the ledger as JSON Lines."""
        return export_postgres(self.url, out, redact=redact)
