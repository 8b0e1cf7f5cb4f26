"""The hook's `os`-free helpers behave like their `os` counterparts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from watchkeeper.integrations.claude_code import _fastos as fos


def test_getenv_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set variables are returned (non-ASCII included), unset ones are empty."""
    monkeypatch.setenv("WK_FASTOS_PROBE", "http://héllo")
    monkeypatch.delenv("WK_FASTOS_ABSENT", raising=False)
    assert fos.getenv("WK_FASTOS_PROBE") == os.environ["WK_FASTOS_PROBE"]
    assert fos.getenv("WK_FASTOS_ABSENT") == ""


@pytest.mark.parametrize(
    ("parts", "expected"),
    [(("/a", "b"), "/a/b"), (("/a/", "b"), "/a/b"), (("a", "b", "c.json"), "a/b/c.json")],
)
def test_join_matches_os_path_join(parts: tuple[str, ...], expected: str) -> None:
    """Joining names gives the same path as os.path.join."""
    assert fos.join(*parts) == expected == os.path.join(*parts)


@pytest.mark.parametrize("path", ["/a/b/c", "/a", "a/b", "a"])
def test_dirname_matches_os_path_dirname(path: str) -> None:
    """The parent directory is the same as os.path.dirname's."""
    assert fos.dirname(path) == os.path.dirname(path)


def test_makedirs_creates_parents_and_tolerates_existing(tmp_path: Path) -> None:
    """Missing parents are created with the mode asked for; existing directories are fine."""
    target = tmp_path / "x" / "y" / "z"
    fos.makedirs(str(target))
    fos.makedirs(str(target))
    assert target.is_dir()
    assert target.stat().st_mode & 0o777 == 0o700


def test_write_file_writes_everything(tmp_path: Path) -> None:
    """All bytes are written, with the requested permissions."""
    path = tmp_path / "f"
    fos.write_file(str(path), b"x" * 300_000, flags=fos.O_WRONLY | fos.O_CREAT | fos.O_EXCL)
    assert path.read_bytes() == b"x" * 300_000
    assert path.stat().st_mode & 0o777 == 0o600
