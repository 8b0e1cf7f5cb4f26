"""Shared fixtures for the normalize tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from watchkeeper.normalize import Normalizer, ShellParse

HOME = "/home/agent"
CWD = "/work/repo"


@pytest.fixture
def normalizer() -> Normalizer:
    """A normaliser with a fixed home directory."""
    return Normalizer(home=HOME)


@pytest.fixture
def sh(normalizer: Normalizer) -> Callable[..., ShellParse]:
    """Parse one shell line in the fixed working directory."""

    def parse(command: str, cwd: str | None = CWD) -> ShellParse:
        return normalizer.shell(command, cwd=cwd)

    return parse


def names(parsed: ShellParse) -> list[str]:
    """The command names of a parse, in order."""
    return [c.name for c in parsed.commands]


def kinds(parsed: ShellParse) -> list[str]:
    """The code-execution kinds of a parse, in order."""
    return [c.kind for c in parsed.code]
