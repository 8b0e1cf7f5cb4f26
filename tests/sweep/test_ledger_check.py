"""Incremental ledger checks: gaps and alterations since the last sweep."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from watchkeeper.events import Lifecycle
from watchkeeper.ledger import SqliteLedger
from watchkeeper.sweep import LEDGER_GAP, check_ledger


def _ledger(path: Path, n: int) -> None:
    with SqliteLedger(path) as ledger:
        ledger.append([Lifecycle(session_id="s", phase=f"p{i}") for i in range(n)])


def _delete(path: Path, seq: int) -> None:
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM records WHERE seq = ?", (seq,))


def test_intact_ledger_advances_the_mark(tmp_path: Path) -> None:
    """A clean ledger gives no finding and a mark at its head."""
    path = tmp_path / "ledger.db"
    _ledger(path, 5)
    mark, finding = check_ledger(path, None)
    assert finding is None
    assert mark is not None
    assert mark.seq == 5


def test_absent_ledger_is_not_a_gap(tmp_path: Path) -> None:
    """No ledger yet: nothing to check."""
    assert check_ledger(tmp_path / "ledger.db", None) == (None, None)


def test_deleted_record_is_a_gap(tmp_path: Path) -> None:
    """A record deleted from the middle is named."""
    path = tmp_path / "ledger.db"
    _ledger(path, 5)
    _delete(path, 3)
    mark, finding = check_ledger(path, None)
    assert finding is not None
    assert finding.category == LEDGER_GAP
    assert finding.detail["first_bad_seq"] == 3
    assert mark is None


def test_deletion_below_the_mark_is_found(tmp_path: Path) -> None:
    """A record deleted after it was verified is still caught, without re-verifying all."""
    path = tmp_path / "ledger.db"
    _ledger(path, 6)
    mark, _ = check_ledger(path, None)
    _delete(path, 2)
    again, finding = check_ledger(path, mark)
    assert finding is not None
    assert finding.detail["first_bad_seq"] == 2
    assert again == mark


def test_only_new_records_are_verified(tmp_path: Path) -> None:
    """Records appended after the mark are checked from the mark on."""
    path = tmp_path / "ledger.db"
    _ledger(path, 3)
    mark, _ = check_ledger(path, None)
    _ledger(path, 4)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE records SET commitment = 'x' WHERE seq = 6")
    new_mark, finding = check_ledger(path, mark)
    assert finding is not None
    assert finding.detail["first_bad_seq"] == 6
    assert new_mark is not None
    assert new_mark.seq == 5


def test_truncation_below_the_mark_is_found(tmp_path: Path) -> None:
    """A ledger shorter than what was verified before was truncated."""
    path = tmp_path / "ledger.db"
    _ledger(path, 4)
    mark, _ = check_ledger(path, None)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM records WHERE seq >= 3")
    _, finding = check_ledger(path, mark)
    assert finding is not None
    assert "truncated" in finding.explanation


def test_rewritten_mark_record_is_found(tmp_path: Path) -> None:
    """The last verified record must still carry the hash it had."""
    path = tmp_path / "ledger.db"
    _ledger(path, 2)
    mark, _ = check_ledger(path, None)
    assert mark is not None
    with sqlite3.connect(path) as db:
        db.execute("UPDATE records SET hash = ? WHERE seq = 2", ("0" * 64,))
    _, finding = check_ledger(path, mark)
    assert finding is not None
    assert finding.detail["first_bad_seq"] == 2
