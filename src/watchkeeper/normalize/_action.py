"""The one action model every tool call is normalised into.

Plain frozen dataclasses rather than pydantic models: actions are built and matched on the
decision hot path, are never stored, and must be cheap to create and read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Action", "CodeExec", "Command", "ShellParse"]


@dataclass(frozen=True, slots=True)
class CodeExec:
    """Code whose effect cannot be known statically.

    `kind` is one of: ``eval`` (eval/source of a non-literal string or a temp file, a shell
    reading a program from an unknown pipe), ``dynamic-name`` (a command name built from
    variables or substitutions), ``decode-exec`` (decoded data piped or substituted into an
    interpreter or shell), ``download-exec`` (network data, or a file downloaded earlier in
    the same line, run by an interpreter or shell), ``inline`` (``python -c``, ``perl -e``,
    ``node -e``, an interpreter reading a here-doc …), ``script`` (an interpreter or shell
    running a script file; `detail` is its absolute path, or ``-m MODULE``), ``unparsed``
    (shell that could not be parsed or was nested too deep). `detail` is the text concerned,
    at most 200 characters.
    """

    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command found anywhere in a shell line, with what it touches.

    `argv` holds the words after quoting is resolved and wrappers are removed (``$HOME``
    expanded, ``$IFS`` splitting, globs, braces and ``~`` kept as written, other expansions
    kept as their source text); `name` is the basename of argv[0] (``/bin/rm`` → ``rm``).
    `wrappers` lists what was peeled off to find it, outermost first (``sudo``, ``env``,
    ``bash -c``, ``eval``, ``find -exec``, ``sh <stdin``…); a shell that only carried a
    string is not a command itself. `text` is the source slice the command came from.
    `reads`/`writes` are absolute, lexically normalised paths (relative only when the working
    directory is unknown) or pseudo paths such as ``crontab:<user>``; `hosts` are lower-case
    without port. `detached` is True when the command outlives the session (nohup, setsid,
    ``&``, ``tmux new -d`` …). See docs/normalization.md.
    """

    argv: tuple[str, ...]
    name: str
    text: str = ""
    wrappers: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    code: tuple[CodeExec, ...] = ()
    detached: bool = False


@dataclass(frozen=True, slots=True)
class Action:
    """Everything a tool call would do, as far as can be told before it runs.

    The aggregate fields (`reads`, `writes`, `hosts`, `urls`, `code`) are the deduplicated
    union (first occurrence first) over every command in `commands`; non-shell tools fill
    them directly. `detached` holds one short reason per detaching construct (``"nohup"``,
    ``"background &"``, ``"run_in_background"``…). `mcp_server`/`mcp_tool` are set for
    ``mcp__<server>__<tool>`` names. `errors` lists what could not be understood (bad
    arguments, shell syntax errors); the policy must not allow an action with errors blindly.
    """

    tool: str
    args: Mapping[str, Any] = field(default_factory=dict)
    cwd: str | None = None
    commands: tuple[Command, ...] = ()
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    code: tuple[CodeExec, ...] = ()
    detached: tuple[str, ...] = ()
    mcp_server: str | None = None
    mcp_tool: str | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShellParse:
    """What one shell command line would do: its simple commands and the aggregate facts.

    `reads`, `writes`, `hosts` and `code` are the deduplicated union over `commands` (order
    kept, first occurrence wins) plus anything found outside a command; `detached` holds one
    short reason per detaching construct (``"nohup"``, ``"background &"``…); `errors` lists
    what could not be understood (the matching `CodeExec(kind="unparsed")` is in `code`).
    """

    commands: tuple[Command, ...] = ()
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    code: tuple[CodeExec, ...] = ()
    detached: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
