"""State files: locked read-modify-write, atomic private writes, clear errors."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.statefile import Reloading, StateFile, StateFileError, file_stamp


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


def _counting_loader(file: StateFile) -> tuple[Reloading[dict[str, Any]], list[int]]:
    loads: list[int] = []

    def load() -> dict[str, Any]:
        loads.append(1)
        return file.read()

    return Reloading(file.path, load, dict), loads


def test_reloading_parses_an_unchanged_file_once(tmp_path: Path) -> None:
    """Repeated reads of an unchanged file load it once."""
    file = StateFile(tmp_path / "s.json")
    with file.update() as data:
        data["a"] = 1
    view, loads = _counting_loader(file)
    assert [view.current() for _ in range(3)] == [{"a": 1}] * 3
    assert len(loads) == 1


def test_reloading_sees_a_replaced_file(tmp_path: Path) -> None:
    """A write by another writer is seen on the next read."""
    file = StateFile(tmp_path / "s.json")
    with file.update() as data:
        data["a"] = 1
    view, _ = _counting_loader(file)
    view.current()
    with StateFile(file.path).update() as data:
        data["a"] = 2
    assert view.current() == {"a": 2}


def test_reloading_a_missing_file_gives_the_absent_value(tmp_path: Path) -> None:
    """No file: `absent()` is returned and nothing is loaded."""
    view, loads = _counting_loader(StateFile(tmp_path / "s.json"))
    assert view.current() == {}
    assert loads == []


def test_a_failed_load_is_tried_again(tmp_path: Path) -> None:
    """A load that raised is not cached: the error repeats until the file is fixed."""
    path = tmp_path / "s.json"
    path.write_text("[1")
    file = StateFile(path)
    view, _ = _counting_loader(file)
    with pytest.raises(StateFileError):
        view.current()
    with file.locked():
        file.write_text('{"ok": true}\n')
    assert view.current() == {"ok": True}


def test_file_stamp_changes_when_the_file_is_replaced(tmp_path: Path) -> None:
    """Every atomic write gives the file a new stamp; no file has none."""
    file = StateFile(tmp_path / "s.json")
    assert file_stamp(file.path) is None
    with file.locked():
        file.write_text("{}\n")
    first = file_stamp(file.path)
    with file.locked():
        file.write_text("{}\n")
    assert first is not None
    assert file_stamp(file.path) not in (None, first)
