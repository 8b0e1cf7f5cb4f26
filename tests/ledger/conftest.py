"""Shared fixtures of the ledger tests: a signing key and events of every kind."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tests._backends import LedgerBackend, execute, open_store
from watchkeeper.events import (
    Decision,
    ErrorEvent,
    Event,
    Lifecycle,
    Message,
    Reasoning,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.ledger import (
    LedgerSource,
    PostgresLedger,
    PostgresSource,
    SqliteLedger,
    SqliteSource,
    VerifyReport,
)


def sample_events(count: int, *, session_id: str = "s1") -> list[Event]:
    """Return `count` events cycling through every record kind."""
    makers = [
        lambda i: ToolCall(session_id=session_id, tool="Bash", args={"command": f"ls {i}"}),
        lambda i: VerdictEvent(session_id=session_id, call_id=f"c{i}", decision=Decision.DENY),
        lambda i: ToolResult(session_id=session_id, tool="Bash", output=f"out {i} ünïcode"),
        lambda i: Reasoning(session_id=session_id, text=f"thinking {i}"),
        lambda i: Message(session_id=session_id, role="user", text=f"hello {i}"),
        lambda i: Lifecycle(session_id=session_id, phase="start", detail={"i": i}),
        lambda i: ErrorEvent(session_id=session_id, where="hook", message=f"bad {i}"),
    ]
    return [makers[i % len(makers)](i) for i in range(count)]


@pytest.fixture
def key() -> Ed25519PrivateKey:
    """A fresh Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The path of a ledger database that does not exist yet."""
    return tmp_path / "ledger.db"


@pytest.fixture
def ledger(db: Path, key: Ed25519PrivateKey) -> Iterator[SqliteLedger]:
    """An open, signing ledger that is closed after the test."""
    with SqliteLedger(db, signing_key=key, checkpoint_every=5) as store:
        yield store


Store = SqliteLedger | PostgresLedger
"""A store on either backend."""


@dataclass(frozen=True)
class Backend:
    """One ledger location on one backend, with what tests need to open, read and tamper."""

    name: str
    location: Path | str

    def open(self, **options: Any) -> Store:
        """Open a store on this location (`options` as `SqliteLedger` takes them)."""
        return open_store(self.location, **options)

    def source(self) -> LedgerSource:
        """Return the ledger for reading."""
        if isinstance(self.location, Path):
            return SqliteSource(self.location)
        return PostgresSource(self.location, Path("keys"))

    def verify(self, public_key: Ed25519PublicKey | None, **options: Any) -> VerifyReport:
        """Verify the ledger with the backend's own verify path."""
        return self.source().verify(public_key, **options)

    def sql(self, statement: str, *params: object) -> None:
        """Run one statement (`?` placeholders) directly on the database, committed."""
        execute(self.location, statement, *params)

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        """Return the rows of one query run directly on the database."""
        if isinstance(self.location, Path):
            conn = sqlite3.connect(self.location)
            try:
                return conn.execute(statement).fetchall()
            finally:
                conn.close()
        with psycopg.connect(self.location) as pg:
            return pg.execute(statement.encode()).fetchall()

    def count(self) -> int:
        """Return how many records the database holds."""
        return int(self.query("SELECT count(*) FROM records")[0][0])

    def checkpoint_seqs(self) -> list[int]:
        """Return the sequence numbers of the stored checkpoints, in order."""
        return [int(row[0]) for row in self.query("SELECT seq FROM checkpoints ORDER BY seq")]


@pytest.fixture
def backend(ledger_backend: LedgerBackend, db: Path) -> Backend:
    """An empty ledger location on each backend: a SQLite file, a fresh PostgreSQL schema."""
    return Backend(ledger_backend.name, db if ledger_backend.url is None else ledger_backend.url)


@pytest.fixture
def ledger_store(backend: Backend, key: Ed25519PrivateKey) -> Iterator[Store]:
    """An open, signing store on each backend, closed after the test."""
    with backend.open(signing_key=key, checkpoint_every=5) as store:
        yield store
