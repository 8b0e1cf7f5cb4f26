"""State files: locked read-modify-write, atomic private writes, clear errors."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from watchkeeper.statefile import StateFile, StateFileError


def test_a_missing_file_reads_as_empty(tmp_path: Path) -> None:
    """No file yet is an empty object, not an error."""
    assert StateFile(tmp_path / "s.json").read() == {}


def test_updates_are_written_privately(tmp_path: Path) -> None:
    """A change made inside `update()` is on disk afterwards, mode 0600."""
    file = StateFile(tmp_path / "s.json")
    with file.update() as data:
        data["a"] = 1
    assert file.read() == {"a": 1}
    assert file.path.stat().st_mode & 0o777 == 0o600


def test_a_failed_update_writes_nothing(tmp_path: Path) -> None:
    """An exception inside `update()` leaves the file as it was."""
    file = StateFile(tmp_path / "s.json")
    with file.update() as data:
        data["a"] = 1

    def fail() -> None:
        with file.update() as data:
            data["a"] = 2
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail()
    assert file.read() == {"a": 1}


def test_concurrent_updates_are_not_lost(tmp_path: Path) -> None:
    """Increments from many threads, each with its own StateFile, all land."""
    path = tmp_path / "s.json"

    def bump() -> None:
        for _ in range(20):
            with StateFile(path).update() as data:
                data["n"] = data.get("n", 0) + 1

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert StateFile(path).read() == {"n": 80}


def test_a_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    """Garbage on disk is a StateFileError naming the file."""
    path = tmp_path / "s.json"
    path.write_text("[1, 2")
    with pytest.raises(StateFileError, match=r"s\.json"):
        StateFile(path).read()
