"""The one action model every tool call is normalised into.

Plain frozen dataclasses rather than pydantic models: actions are built and matched on the
decision hot path, are never stored, and must be cheap to create and read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Action", "CodeExec", "Command"]


@dataclass(frozen=True, slots=True)
class CodeExec:
    """Code whose effect cannot be known statically.

    `kind` is one of: ``eval`` (eval/source of a string), ``dynamic-name`` (a command name
    built from variables or substitutions), ``decode-exec`` (decoded data piped into an
    interpreter or shell), ``download-exec`` (network data piped into an interpreter or
    shell), ``inline`` (``python -c``, ``perl -e``, ``node -e``, …), ``script`` (an
    interpreter running a script file), ``unparsed`` (shell that could not be parsed).
    """

    kind: str
    detail: str


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command found anywhere in a shell line, with what it touches.

    `argv` holds the words after quoting is resolved; `name` is the basename of argv[0]
    (``/bin/rm`` → ``rm``). `wrappers` lists what was peeled off to find it (``sudo``,
    ``env``, ``bash -c``…). Paths are absolute and normalised; hosts are lower-case.
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

    The aggregate fields (`reads`, `writes`, `hosts`, `code`, `detached`) cover the whole call,
    including every command in `commands`; non-shell tools fill them directly.
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
