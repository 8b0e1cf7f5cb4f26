"""Lexical path resolution."""

from __future__ import annotations

import pytest

from watchkeeper.normalize._paths import resolve_path


@pytest.mark.parametrize(
    ("path", "cwd", "expected"),
    [
        ("a/../b/./c", "/w", "/w/b/c"),
        ("/etc/../etc//passwd", "/w", "/etc/passwd"),
        ("~", "/w", "/home/agent"),
        ("~/.ssh", "/w", "/home/agent/.ssh"),
        ("~bob/x", "/w", "/home/bob/x"),
        ("~root/.ssh", "/w", "/root/.ssh"),
        ("$HOME/x", "/w", "/home/agent/x"),
        ("${HOME}", "/w", "/home/agent"),
        ("*.py", "/w", "/w/*.py"),
        ("../../../..", "/w/a", "/"),
        ("rel/x", None, "rel/x"),
        ("//double", "/w", "/double"),
    ],
)
def test_resolve_path(path: str, cwd: str | None, expected: str) -> None:
    """Paths become absolute and normalised without touching the disk."""
    assert resolve_path(path, cwd=cwd, home="/home/agent") == expected
