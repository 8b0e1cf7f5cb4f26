"""PostgreSQL schema migrations: applied by `upgrade_schema`, required exactly by the store."""

from __future__ import annotations

import psycopg
import pytest

from tests._backends import schema_url
from watchkeeper.ledger import (
    POSTGRES_SCHEMA_VERSION,
    LedgerOpenError,
    LedgerSchemaError,
    PostgresLedger,
    database_version,
    display_url,
    upgrade_schema,
)

from .conftest import sample_events


def test_store_refuses_a_database_that_was_never_upgraded(postgres_schema: str) -> None:
    """Opening an empty schema fails at once and tells the user to run `db upgrade`."""
    with pytest.raises(LedgerSchemaError, match="run `watchkeeper db upgrade --db postgresql://"):
        PostgresLedger(postgres_schema)


def test_upgrade_applies_every_migration_once(postgres_schema: str) -> None:
    """The first upgrade applies all migrations; a second one finds nothing to do."""
    first = upgrade_schema(postgres_schema)
    assert (first.before, first.after) == (0, POSTGRES_SCHEMA_VERSION)
    assert [m.version for m in first.applied] == list(range(1, POSTGRES_SCHEMA_VERSION + 1))
    second = upgrade_schema(postgres_schema)
    assert (second.before, second.applied) == (POSTGRES_SCHEMA_VERSION, ())
    assert database_version(postgres_schema) == POSTGRES_SCHEMA_VERSION
    with PostgresLedger(postgres_schema) as store:
        assert [r.seq for r in store.append(sample_events(2))] == [1, 2]


def test_store_refuses_a_newer_schema(postgres_url: str) -> None:
    """A database upgraded by a newer watchkeeper is neither opened nor downgraded."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("INSERT INTO schema_migrations (version, description) VALUES (99, 'future')")
    with pytest.raises(LedgerSchemaError, match="newer than this watchkeeper knows"):
        PostgresLedger(postgres_url)
    with pytest.raises(LedgerSchemaError, match="upgrade watchkeeper"):
        upgrade_schema(postgres_url)


def test_upgrade_names_a_search_path_without_a_schema(postgres_server: str) -> None:
    """Upgrading into a schema that does not exist says to create it, and creates nothing."""
    with pytest.raises(LedgerOpenError, match="create the schema or fix `search_path`"):
        upgrade_schema(schema_url(postgres_server, "wk_test_absent_schema"))


def test_display_url_drops_the_password() -> None:
    """Urls in messages keep user, host, port, database and options but not the password."""
    shown = display_url("postgresql://wk:s3cret@db.internal:6432/ledger?sslmode=require")
    assert shown == "postgresql://wk@db.internal:6432/ledger?sslmode=require"
