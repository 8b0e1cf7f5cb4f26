"""The publisher cursor: a sequence number that survives restarts, and refuses garbage."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.fanout import Cursor, CursorError


def test_missing_cursor_starts_at_zero(tmp_path: Path) -> None:
    """A publisher without a cursor file starts from the beginning of the ledger."""
    assert Cursor(tmp_path / "c").load() == 0


def test_saved_cursor_is_loaded_again(tmp_path: Path) -> None:
    """A saved sequence number is what the next load returns."""
    Cursor(tmp_path / "c").save(41)
    assert Cursor(tmp_path / "c").load() == 41


def test_corrupt_cursor_names_the_file(tmp_path: Path) -> None:
    """A cursor file without a sequence number raises `CursorError` naming the file."""
    path = tmp_path / "c"
    path.write_text('{"seq": -3}')
    with pytest.raises(CursorError, match=str(path)):
        Cursor(path).load()
