"""Shared fixtures of the ledger tests: a signing key and events of every kind."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

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
    upgrade_schema,
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

POSTGRES_SERVER = "127.0.0.1:5432"
POSTGRES_DATABASE = "test"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The url of the test PostgreSQL database, as user `root` or else `postgres` (trust auth)."""
    errors = []
    for user in ("root", "postgres"):
        url = f"postgresql://{user}@{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            errors.append(str(exc))
            continue
        return url
    raise RuntimeError(f"no PostgreSQL at {POSTGRES_SERVER}: {errors}")


def schema_url(server: str, schema: str) -> str:
    """Return `server`'s url with `schema` first on the search path."""
    return f"{server}?options=-csearch_path%3D{schema}"


@pytest.fixture
def postgres_schema(postgres_server: str) -> Iterator[str]:
    """The url of a fresh, empty schema (not upgraded), dropped after the test."""
    schema = f"wk_test_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema_url(postgres_server, schema)
    finally:
        with psycopg.connect(postgres_server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def postgres_url(postgres_schema: str) -> str:
    """The url of a fresh schema upgraded to the current ledger schema."""
    upgrade_schema(postgres_schema)
    return postgres_schema


@dataclass(frozen=True)
class Backend:
    """One ledger location on one backend, with what tests need to open, read and tamper."""

    name: str
    location: Path | str

    def open(self, **options: Any) -> Store:
        """Open a store on this location (`options` as `SqliteLedger` takes them)."""
        if isinstance(self.location, Path):
            return SqliteLedger(self.location, **options)
        return PostgresLedger(self.location, **options)

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
        if isinstance(self.location, Path):
            conn = sqlite3.connect(self.location)
            try:
                with conn:
                    conn.execute(statement, params)
            finally:
                conn.close()
            return
        with psycopg.connect(self.location, autocommit=True) as pg:
            pg.execute(statement.replace("?", "%s").encode(), params)

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


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, db: Path) -> Backend:
    """An empty ledger location on each backend: a SQLite file, a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return Backend("sqlite", db)
    return Backend("postgres", request.getfixturevalue("postgres_url"))


@pytest.fixture
def ledger_store(backend: Backend, key: Ed25519PrivateKey) -> Iterator[Store]:
    """An open, signing store on each backend, closed after the test."""
    with backend.open(signing_key=key, checkpoint_every=5) as store:
        yield store
