"""The SQLite layout: multi-row inserts padded to a few cached statement sizes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from watchkeeper.ledger._schema import (
    MAX_STATEMENT_ROWS,
    PAGE_SIZE,
    SCHEMA_VERSION,
    connect_writer,
    insert_records,
    statement_rows,
)


def test_statement_sizes_are_few_and_pad_little() -> None:
    """Every batch size maps to one of at most 38 statements, padded by under 64 rows."""
    sizes = {statement_rows(rows) for rows in range(1, MAX_STATEMENT_ROWS + 1)}
    assert len(sizes) <= 38
    assert max(sizes) == MAX_STATEMENT_ROWS
    for rows in range(1, MAX_STATEMENT_ROWS + 1):
        padded = statement_rows(rows)
        assert rows <= padded
        assert padded - rows < max(64, rows)


def _rows(first_seq: int, count: int) -> list[object]:
    flat: list[object] = []
    for seq in range(first_seq, first_seq + count):
        flat += (f"id{seq}", "message", "ts", "s", "local", bytearray(b"{}"), bytearray(32))
        flat += ("c" * 64, seq, "p" * 64, "h" * 64)
    return flat


def test_insert_skips_the_padding_rows(tmp_path: Path) -> None:
    """Inserting 70 and then 2,100 rows stores exactly those rows, none of the padding."""
    conn = connect_writer(tmp_path / "ledger.db")
    try:
        insert_records(conn, _rows(1, 70))
        conn.execute("BEGIN IMMEDIATE")
        insert_records(conn, _rows(71, 2100))
        conn.execute("COMMIT")
        seqs = [row[0] for row in conn.execute("SELECT seq FROM records ORDER BY seq")]
    finally:
        conn.close()
    assert seqs == list(range(1, 2171))


def test_one_statement_commits_on_its_own_in_autocommit_mode(tmp_path: Path) -> None:
    """Up to 2,048 rows need no BEGIN: the single INSERT is its own durable transaction."""
    path = tmp_path / "ledger.db"
    conn = connect_writer(path)
    try:
        insert_records(conn, _rows(1, MAX_STATEMENT_ROWS))
        assert not conn.in_transaction
        other = sqlite3.connect(path)
        try:
            count = other.execute("SELECT count(*) FROM records").fetchone()[0]
        finally:
            other.close()
    finally:
        conn.close()
    assert count == MAX_STATEMENT_ROWS


def test_new_ledger_uses_the_larger_page_size(tmp_path: Path) -> None:
    """A new ledger file is created with `PAGE_SIZE` pages; reopening it keeps them."""
    path = tmp_path / "ledger.db"
    connect_writer(path).close()
    conn = connect_writer(path)
    try:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    finally:
        conn.close()


def test_existing_ledger_keeps_its_page_size(tmp_path: Path) -> None:
    """A ledger made with 4,096-byte pages keeps them: WAL files cannot change page size."""
    path = tmp_path / "ledger.db"
    old = sqlite3.connect(path)
    old.execute("PRAGMA page_size = 4096")
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("CREATE TABLE t (x)")
    old.close()
    conn = connect_writer(path)
    try:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        insert_records(conn, _rows(1, 3))
    finally:
        conn.close()


def test_reopening_a_ledger_at_the_schema_version_writes_nothing(tmp_path: Path) -> None:
    """Opening a ledger already at `SCHEMA_VERSION` commits no transaction to it."""
    path = tmp_path / "ledger.db"
    connect_writer(path).close()
    watcher = sqlite3.connect(path)
    try:
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        connect_writer(path).close()
        assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
    finally:
        watcher.close()


def test_opening_a_file_below_the_schema_version_creates_the_tables(tmp_path: Path) -> None:
    """An empty file (`user_version` 0) gets the tables and the current `user_version`."""
    path = tmp_path / "ledger.db"
    sqlite3.connect(path).close()
    conn = connect_writer(path)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert {"records", "checkpoints", "records_by_session"} <= tables
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()
