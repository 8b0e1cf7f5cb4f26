"""The two ledger backends every ledger-using suite runs against: SQLite and PostgreSQL.

`ledger_backend` is parametrised `sqlite` / `postgresql`. For `postgresql` it creates a fresh
schema `wk_test_<random>` in database `test` on the server at 127.0.0.1:5432 (trust auth),
upgrades it, points `$WATCHKEEPER_DB` at it, and drops it after the test; for `sqlite` it
clears `$WATCHKEEPER_DB`, so the ledger is `<home>/ledger.db`. Product code opens the ledger
through `open_ledger` / `ledger_source`, so a test that depends on this fixture (usually
through one autouse line in its package's conftest) runs once on each backend. A test that
cannot run on PostgreSQL yet is parametrised with `sqlite_only("…the gap…")`, not skipped.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from watchkeeper.ledger import (
    DB_ENV,
    PostgresLedger,
    SqliteLedger,
    ledger_location,
    upgrade_schema,
)

__all__ = [
    "BACKENDS",
    "LedgerBackend",
    "backend_ledger",
    "execute",
    "fresh_schema",
    "ledger_backend",
    "open_store",
    "postgres_schema",
    "postgres_server",
    "postgres_url",
    "schema_url",
    "selected",
    "sqlite_only",
    "tamper",
]

POSTGRES_SERVER = "127.0.0.1:5432"
POSTGRES_DATABASE = "test"
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class LedgerBackend:
    """The backend a test runs on: its name and, for PostgreSQL, the url of its schema."""

    name: str
    url: str | None = None


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


@contextmanager
def fresh_schema(server: str) -> Iterator[str]:
    """Create an empty schema `wk_test_<random>` on `server`, yield its url, then drop it."""
    schema = f"wk_test_{secrets.token_hex(6)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema_url(server, schema)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def sqlite_only(gap: str) -> pytest.MarkDecorator:
    """Parametrise a test with the `sqlite` backend alone: it has no PostgreSQL case (it is
    not skipped there). `gap` names what the product lacks on PostgreSQL, for the reader."""
    del gap  # documentation only: the call site reads as the reason
    return pytest.mark.parametrize("ledger_backend", ["sqlite"], indirect=True)


@contextmanager
def backend_ledger(name: str, server: str) -> Iterator[LedgerBackend]:
    """Yield backend `name`: for `postgresql` a fresh schema on `server`, upgraded, dropped
    when the block ends; for `sqlite` no url (the ledger is `<home>/ledger.db`).

    For fixtures wider than one test (module or session scope, parametrised by `BACKENDS`),
    which pass the url to `open_ledger` / `ledger_source` rather than set `$WATCHKEEPER_DB`
    (an environment variable set for a whole session would leak into other tests).
    """
    if name == "sqlite":
        yield LedgerBackend(name)
        return
    with fresh_schema(server) as url:
        upgrade_schema(url)
        yield LedgerBackend(name, url)


@contextmanager
def selected(name: str, server: str) -> Iterator[LedgerBackend]:
    """Point `$WATCHKEEPER_DB` at `backend_ledger(name, server)` until the block ends."""
    with pytest.MonkeyPatch.context() as patch, backend_ledger(name, server) as backend:
        if backend.url is None:
            patch.delenv(DB_ENV, raising=False)
        else:
            patch.setenv(DB_ENV, backend.url)
        yield backend


@pytest.fixture
def postgres_schema(postgres_server: str) -> Iterator[str]:
    """The url of a fresh, empty schema (not upgraded), dropped after the test."""
    with fresh_schema(postgres_server) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_schema: str) -> str:
    """The url of a fresh schema upgraded to the current ledger schema."""
    upgrade_schema(postgres_schema)
    return postgres_schema


@pytest.fixture(params=BACKENDS)
def ledger_backend(request: pytest.FixtureRequest) -> Iterator[LedgerBackend]:
    """Each backend in turn, selected through `$WATCHKEEPER_DB` for the whole test."""
    # the server is looked up only for `postgresql`: the `sqlite` cases run without one
    server = "" if request.param == "sqlite" else request.getfixturevalue("postgres_server")
    with selected(request.param, server) as backend:
        yield backend


def open_store(location: Path | str, **options: Any) -> SqliteLedger | PostgresLedger:
    """Open a store at `location` with `options` as `SqliteLedger` takes them (e.g. no key)."""
    if isinstance(location, Path):
        return SqliteLedger(location, **options)
    return PostgresLedger(location, **options)


def execute(location: Path | str, statement: str, *params: object) -> None:
    """Run one statement (`?` placeholders) directly on the ledger database, committed.

    `location` is a SQLite file or a PostgreSQL url, as `ledger_location` returns; for
    tampering tests, which must reach past the ledger's own append-only interface.
    """
    if isinstance(location, Path):
        conn = sqlite3.connect(location)
        try:
            with conn:
                conn.execute(statement, params)
        finally:
            conn.close()
        return
    with psycopg.connect(location, autocommit=True) as pg:
        pg.execute(statement.replace("?", "%s").encode(), params)


def tamper(home: Path, statement: str, *params: object) -> None:
    """Run `statement` directly on `home`'s ledger, wherever `$WATCHKEEPER_DB` puts it."""
    execute(ledger_location(home), statement, *params)
