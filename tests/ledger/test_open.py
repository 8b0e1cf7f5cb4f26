"""`open_ledger` and `ledger_source` pick the backend from the location, never the caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.ledger import (
    DB_ENV,
    PostgresLedger,
    PostgresSource,
    SqliteLedger,
    SqliteSource,
    ledger_source,
    open_ledger,
)

from .conftest import sample_events


def test_default_is_the_sqlite_file_in_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a url or `$WATCHKEEPER_DB`, the ledger is `<home>/ledger.db`."""
    monkeypatch.delenv(DB_ENV, raising=False)
    with open_ledger(tmp_path) as store:
        assert isinstance(store, SqliteLedger)
        store.append(sample_events(1))
    assert (tmp_path / "ledger.db").is_file()
    assert ledger_source(tmp_path) == SqliteSource(tmp_path / "ledger.db")


def test_env_selects_postgres(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`$WATCHKEEPER_DB=postgresql://…` opens the PostgreSQL ledger, signing with home's key."""
    monkeypatch.setenv(DB_ENV, postgres_url)
    with open_ledger(tmp_path) as store:
        assert isinstance(store, PostgresLedger)
        store.append(sample_events(3))
    source = ledger_source(tmp_path)
    assert source == PostgresSource(postgres_url, tmp_path / "keys")
    assert source.head().seq == 3
    assert not (tmp_path / "ledger.db").exists()


def test_explicit_location_wins_over_env(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A url (or file) passed in overrides `$WATCHKEEPER_DB`."""
    monkeypatch.setenv(DB_ENV, str(tmp_path / "other.db"))
    with open_ledger(tmp_path, postgres_url) as store:
        assert isinstance(store, PostgresLedger)
    with open_ledger(tmp_path) as store:
        assert isinstance(store, SqliteLedger)
        assert store.path == tmp_path / "other.db"
