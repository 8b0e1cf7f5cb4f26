"""The PostgreSQL layout of a ledger: versioned migrations, and connecting to a checked schema.

Every schema change is one numbered migration, recorded in `schema_migrations` when applied.
`upgrade_schema` applies the missing ones (`watchkeeper db upgrade`); a store only opens a
database whose recorded version is exactly `POSTGRES_SCHEMA_VERSION`, so an old binary never
writes a layout it does not know, and a new one never writes a layout that is not there yet.

Tables are created unqualified, in the first schema of the connection's `search_path`, so one
database can hold several ledgers (one per schema, e.g. ``?options=-csearch_path%3Dteam_a``).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import errors as pg_errors

from watchkeeper.ledger._errors import LedgerOpenError, LedgerSchemaError
from watchkeeper.ledger._location import display_url, is_postgres_url

__all__ = [
    "MIGRATIONS",
    "POSTGRES_SCHEMA_VERSION",
    "Migration",
    "UpgradeReport",
    "connect",
    "database_version",
    "display_url",
    "is_postgres_url",
    "require_schema",
    "schema_version",
    "upgrade_schema",
]

CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered schema change and what it does, in a sentence."""

    version: int
    description: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "records, checkpoints and the locked chain head",
        """
CREATE TABLE records (
    seq BIGINT PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts TEXT NOT NULL,
    session_id TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    prev TEXT NOT NULL,
    commitment TEXT NOT NULL,
    hash TEXT NOT NULL,
    payload BYTEA,
    salt BYTEA
);
CREATE INDEX records_by_session ON records (session_id, seq);
CREATE TABLE checkpoints (
    seq BIGINT PRIMARY KEY,
    hash TEXT NOT NULL,
    ts TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE ledger_head (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    checkpoint_seq BIGINT NOT NULL
);
INSERT INTO ledger_head (seq, hash, checkpoint_seq) VALUES (0, repeat('0', 64), 0);
""",
    ),
    Migration(
        2,
        "fan-out publisher cursors, shared by the gateways that take turns publishing",
        """
CREATE TABLE fanout_cursors (
    prefix TEXT PRIMARY KEY,
    seq BIGINT NOT NULL CHECK (seq >= 0)
);
""",
    ),
)
POSTGRES_SCHEMA_VERSION = MIGRATIONS[-1].version

_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    """What `upgrade_schema` did: the version before and after, and the migrations applied."""

    before: int
    after: int
    applied: tuple[Migration, ...]


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    """Open a connection to `url` (raises `LedgerOpenError`, naming the url without password)."""
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())
        msg = (
            f"ledger database `{display_url(url)}` cannot be reached ({reason}); "
            "check the url and that the server is running"
        )
        raise LedgerOpenError(msg) from exc


def schema_version(conn: psycopg.Connection) -> int:
    """Return the highest migration applied to the connection's schema (0 for none)."""
    with conn.transaction():
        exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        if exists is None or not exists[0]:
            return 0
        row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return 0 if row is None else int(row[0])


def require_schema(conn: psycopg.Connection, url: str) -> None:
    """Raise `LedgerSchemaError` unless the database is at exactly `POSTGRES_SCHEMA_VERSION`."""
    version = schema_version(conn)
    if version == POSTGRES_SCHEMA_VERSION:
        return
    where = display_url(url)
    if version < POSTGRES_SCHEMA_VERSION:
        msg = (
            f"ledger database `{where}` is at schema version `{version}`, this watchkeeper "
            f"needs `{POSTGRES_SCHEMA_VERSION}`; run `watchkeeper db upgrade --db {where}`"
        )
    else:
        msg = (
            f"ledger database `{where}` is at schema version `{version}`, newer than this "
            f"watchkeeper knows (`{POSTGRES_SCHEMA_VERSION}`); upgrade watchkeeper"
        )
    raise LedgerSchemaError(msg)


def upgrade_schema(url: str) -> UpgradeReport:
    """Apply every migration the database at `url` lacks, each in order, all in one transaction.

    Concurrent upgrades of one schema are serialised by a lock on `schema_migrations`; a
    database newer than this watchkeeper is left alone (`LedgerSchemaError`).
    """
    conn = connect(url)
    try:
        with conn.transaction():
            try:
                conn.execute(_MIGRATIONS_TABLE)
            except pg_errors.InvalidSchemaName as exc:
                msg = (
                    f"ledger database `{display_url(url)}` has no schema to create tables in "
                    f"({exc}); create the schema or fix `search_path`"
                )
                raise LedgerOpenError(msg) from exc
            conn.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
            row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
            before = 0 if row is None else int(row[0])
            if before > POSTGRES_SCHEMA_VERSION:
                require_schema(conn, url)
            applied = tuple(m for m in MIGRATIONS if m.version > before)
            for migration in applied:
                conn.execute(migration.sql.encode())
                conn.execute(
                    "INSERT INTO schema_migrations (version, description) VALUES (%s, %s)",
                    (migration.version, migration.description),
                )
    finally:
        conn.close()
    return UpgradeReport(before, max(before, POSTGRES_SCHEMA_VERSION), applied)


def database_version(url: str) -> int:
    """Return the schema version recorded in the database at `url` (0 before any upgrade)."""
    conn = connect(url, autocommit=True)
    try:
        return schema_version(conn)
    finally:
        conn.close()
