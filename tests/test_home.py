"""resolve_home: explicit path, then $WATCHKEEPER_HOME, then ~/.watchkeeper; created 0700."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from watchkeeper.home import resolve_home


def test_explicit_home_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explicit directory is used even when $WATCHKEEPER_HOME is set."""
    monkeypatch.setenv("WATCHKEEPER_HOME", str(tmp_path / "env"))
    assert resolve_home(tmp_path / "explicit") == tmp_path / "explicit"


def test_environment_variable_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an explicit path, $WATCHKEEPER_HOME names the home."""
    monkeypatch.setenv("WATCHKEEPER_HOME", str(tmp_path / "env"))
    assert resolve_home() == tmp_path / "env"


def test_default_is_dot_watchkeeper_in_the_user_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing set, the home is ~/.watchkeeper."""
    monkeypatch.delenv("WATCHKEEPER_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_home() == tmp_path / ".watchkeeper"


def test_new_home_is_created_owner_only(tmp_path: Path) -> None:
    """A home that does not exist yet is created with mode 0700."""
    home = resolve_home(tmp_path / "a" / "home")
    assert home.is_dir()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
