"""Incremental ledger checks: gaps and alterations since the last sweep, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._backends import LedgerBackend, tamper
from watchkeeper.events import Lifecycle
from watchkeeper.ledger import LedgerSource, ledger_source, open_ledger
from watchkeeper.sweep import LEDGER_GAP, check_ledger


@pytest.fixture
def source(tmp_path: Path, ledger_backend: LedgerBackend) -> LedgerSource:
    """The ledger of `tmp_path` as a sweep reads it (`$WATCHKEEPER_DB` or the home's file)."""
    del ledger_backend  # selects the backend through the environment
    return ledger_source(tmp_path)


def _append(home: Path, n: int) -> None:
    with open_ledger(home) as ledger:
        ledger.append([Lifecycle(session_id="s", phase=f"p{i}") for i in range(n)])


def test_intact_ledger_advances_the_mark(tmp_path: Path, source: LedgerSource) -> None:
    """A clean ledger gives no finding and a mark at its head."""
    _append(tmp_path, 5)
    mark, finding = check_ledger(source, None)
    assert finding is None
    assert mark == source.head()


def test_empty_ledger_is_not_a_gap(tmp_path: Path, source: LedgerSource) -> None:
    """No ledger file yet, or an empty schema: nothing to check, no mark."""
    assert check_ledger(source, None) == (None, None)


def test_deleted_record_is_a_gap(tmp_path: Path, source: LedgerSource) -> None:
    """A record deleted from the middle is named, and the finding names the ledger."""
    _append(tmp_path, 5)
    tamper(tmp_path, "DELETE FROM records WHERE seq = ?", 3)
    mark, finding = check_ledger(source, None)
    assert finding is not None
    assert finding.category == LEDGER_GAP
    assert finding.detail["first_bad_seq"] == 3
    assert finding.detail["ledger"] == source.name
    assert mark is None


def test_deletion_below_the_mark_is_found(tmp_path: Path, source: LedgerSource) -> None:
    """A record deleted after it was verified is still caught, without re-verifying all."""
    _append(tmp_path, 6)
    mark, _ = check_ledger(source, None)
    tamper(tmp_path, "DELETE FROM records WHERE seq = ?", 2)
    again, finding = check_ledger(source, mark)
    assert finding is not None
    assert finding.detail["first_bad_seq"] == 2
    assert again == mark


def test_only_new_records_are_verified(tmp_path: Path, source: LedgerSource) -> None:
    """Records appended after the mark are checked from the mark on."""
    _append(tmp_path, 3)
    mark, _ = check_ledger(source, None)
    _append(tmp_path, 4)
    tamper(tmp_path, "UPDATE records SET commitment = 'x' WHERE seq = ?", 6)
    new_mark, finding = check_ledger(source, mark)
    assert finding is not None
    assert finding.detail["first_bad_seq"] == 6
    assert new_mark is not None
    assert new_mark.seq == 5


def test_truncation_below_the_mark_is_found(tmp_path: Path, source: LedgerSource) -> None:
    """A ledger shorter than what was verified before was truncated."""
    _append(tmp_path, 4)
    mark, _ = check_ledger(source, None)
    tamper(tmp_path, "DELETE FROM records WHERE seq >= ?", 3)
    _, finding = check_ledger(source, mark)
    assert finding is not None
    assert "truncated" in finding.explanation


def test_rewritten_mark_record_is_found(tmp_path: Path, source: LedgerSource) -> None:
    """The last verified record must still carry the hash it had."""
    _append(tmp_path, 2)
    mark, _ = check_ledger(source, None)
    assert mark is not None
    tamper(tmp_path, "UPDATE records SET hash = ? WHERE seq = 2", "0" * 64)
    _, finding = check_ledger(source, mark)
    assert finding is not None
    assert finding.detail["first_bad_seq"] == 2
