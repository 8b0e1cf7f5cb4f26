"""What program a command line runs, seen through interpreters and package runners.

`python -m vllm.entrypoints.openai.api_server`, `node …/@openai/codex/bin/codex.js`,
`uv run vllm serve` and `npx @anthropic-ai/claude-code` all run something other than their
`argv[0]`; `describe` finds it so signatures can match the program, not the interpreter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Program", "describe", "program_name"]

_PYTHON = re.compile(r"^(python|pypy)[0-9.]*$")
_SCRIPT_HOSTS = frozenset({"node", "nodejs", "bun", "deno", "ruby", "perl", "bash", "sh"})
_PACKAGE_RUNNERS = frozenset({"npx", "bunx", "pnpx", "uvx"})
_SUB_RUNNERS = {"uv": "run", "pipx": "run", "poetry": "run", "pnpm": "dlx", "deno": "run"}
_PY_VALUE_OPTIONS = frozenset({"-W", "-X", "-Q", "--check-hash-based-pycs"})
_NODE_VALUE_OPTIONS = frozenset(
    {"-r", "--require", "--import", "--loader", "--experimental-loader", "--env-file"}
)
_NODE_INLINE = frozenset({"-e", "--eval", "-p", "--print"})
_SCRIPT_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".pl", ".sh")
_MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Program:
    """The program a command line runs.

    `names` are the basenames it goes by (argv[0], a script's name without its suffix, a
    runner's package), `name` the innermost of them (the script, not its interpreter; the
    module of ``python -m``), `module` a ``python -m`` module, `paths` the script and package
    paths seen, `args` the words after the program (its subcommand and options).
    """

    name: str
    names: frozenset[str]
    module: str | None
    paths: tuple[str, ...]
    args: tuple[str, ...]


def program_name(word: str) -> str:
    """Return the basename of a command word, without a login shell's leading ``-``."""
    return os.path.basename(word.rstrip("/")).lstrip("-")


def describe(argv: Sequence[str]) -> Program:
    """Return the program `argv` runs (an empty argv describes nothing)."""
    words = list(argv)
    if len(words) == 1 and " " in words[0].strip():
        # setproctitle-style rename: the whole command line written into argv[0].
        words = words[0].split()
    names: set[str] = set()
    paths: list[str] = []
    module: str | None = None
    args: list[str] = words[1:]
    name = ""
    for _ in range(_MAX_DEPTH):
        if not words:
            break
        head = program_name(words[0])
        names.add(head)
        name = head
        found = _inner(head, words[1:])
        if found is None:
            args = words[1:]
            break
        kind, value, rest = found
        if kind == "module":
            module, args, name = value, rest, value
            break
        if kind == "inline":
            args = rest
            break
        paths.append(value)
        stem = program_name(value)
        for suffix in _SCRIPT_SUFFIXES:
            stem = stem.removesuffix(suffix)
        if kind == "script":
            names.add(stem)
            args, name = rest, stem
            break
        # A runner's program: unwrap again (`uv run python -m x`, `npx pkg`).
        words = [value, *rest]
        args = rest
    return Program(name, frozenset(n for n in names if n), module, tuple(paths), tuple(args))


def _inner(head: str, rest: list[str]) -> tuple[str, str, list[str]] | None:
    """Return (kind, value, remaining words) for interpreters and runners, else None."""
    if _PYTHON.match(head):
        return _python(rest)
    if head in _SUB_RUNNERS and rest and rest[0] == _SUB_RUNNERS[head]:
        target = _first_operand(rest[1:], frozenset())
        if target is not None:
            index = rest.index(target, 1)
            kind = "script" if head == "deno" else "program"
            return kind, target, rest[index + 1 :]
        return None
    if head in _PACKAGE_RUNNERS:
        target = _first_operand(rest, frozenset({"-p", "--package", "--from", "--with"}))
        if target is not None:
            return "program", target, rest[rest.index(target) + 1 :]
        return None
    if head in _SCRIPT_HOSTS:
        if any(word in _NODE_INLINE or word == "-c" for word in rest[:1]):
            return "inline", "", rest[1:]
        target = _first_operand(rest, _NODE_VALUE_OPTIONS)
        if target is not None:
            return "script", target, rest[rest.index(target) + 1 :]
    return None


def _python(rest: list[str]) -> tuple[str, str, list[str]] | None:
    index = 0
    while index < len(rest):
        word = rest[index]
        if word == "-m" and index + 1 < len(rest):
            return "module", rest[index + 1], rest[index + 2 :]
        if word.startswith("-m") and len(word) > 2:
            return "module", word[2:], rest[index + 1 :]
        if word == "-c" or (word.startswith("-c") and len(word) > 2):
            return "inline", "", rest[index + 1 :]
        if word in ("-", "--"):
            return None
        if word in _PY_VALUE_OPTIONS:
            index += 2
            continue
        if word.startswith("-"):
            index += 1
            continue
        return "script", word, rest[index + 1 :]
    return None


def _first_operand(words: list[str], value_options: frozenset[str]) -> str | None:
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in value_options:
            skip = True
            continue
        if word.startswith("-"):
            continue
        return word
    return None
