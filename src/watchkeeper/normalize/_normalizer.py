"""`Normalizer`: the one entry point that turns a raw tool call into an `Action`."""

from __future__ import annotations

import os
import shlex
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import tree_sitter_bash
from tree_sitter import Language, Parser

from watchkeeper.events import ToolCall
from watchkeeper.normalize._action import Action, CodeExec, ShellParse
from watchkeeper.normalize._shell import ShellWalker
from watchkeeper.normalize._tools import mcp_names, tool_facts

__all__ = ["MAX_COMMAND_CHARS", "Normalizer"]

MAX_COMMAND_CHARS = 1 << 20
# Shell tools by name → the argument holding the command line: Claude Code `Bash`, Inspect
# AI `bash`, Codex `exec_command` and `shell` (whose command may be an argv list).
_SHELL_TOOLS = {"Bash": "command", "bash": "cmd", "exec_command": "cmd", "shell": "command"}
_SHELL_KEYS = ("command", "cmd")


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(items) if len(items) < 2 else tuple(dict.fromkeys(items))


class Normalizer:
    """Normalises tool calls; owns a tree-sitter parser and a bounded cache of shell parses.

    Safe to share between threads: the parser and the cache are used under one lock (the
    gateway serves requests from a thread pool). Never raises on hostile input: what it
    cannot understand becomes `Action.errors` and/or ``CodeExec(kind="unparsed")``.
    """

    def __init__(self, *, home: str | None = None, cache_size: int = 4096) -> None:
        self._home = (home or os.environ.get("HOME") or "/root").rstrip("/") or "/"
        self._parser = Parser(Language(tree_sitter_bash.language()))
        self._cache: OrderedDict[tuple[str, str | None], ShellParse] = OrderedDict()
        self._cache_size = max(0, cache_size)
        self._lock = threading.Lock()

    @property
    def home(self) -> str:
        """The home directory `~` and `$HOME` expand to."""
        return self._home

    def shell(self, command: str, *, cwd: str | None) -> ShellParse:
        """Parse one shell command line run in `cwd` (None when unknown)."""
        key = (command, cwd)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            result = self._shell_uncached(command, cwd)
            if self._cache_size:
                self._cache[key] = result
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return result

    def _shell_uncached(self, command: str, cwd: str | None) -> ShellParse:
        if len(command) > MAX_COMMAND_CHARS:
            return ShellParse(
                code=(CodeExec("unparsed", command[:200] + "…"),),
                errors=(
                    f"shell command of {len(command)} characters is over the "
                    f"{MAX_COMMAND_CHARS} limit; shorten it",
                ),
            )
        try:
            return ShellWalker(self._parser, home=self._home, cwd=cwd).parse(command)
        except Exception as exc:  # noqa: BLE001 - never raise: the line becomes opaque code, error kept
            return ShellParse(
                code=(CodeExec("unparsed", command[:200]),),
                errors=(f"shell command could not be analysed ({type(exc).__name__}: {exc})",),
            )

    def action(self, tool: str, args: Mapping[str, Any], *, cwd: str | None) -> Action:
        """Normalise one call of `tool` with `args`, run in `cwd` (None when unknown)."""
        if not isinstance(args, Mapping):
            return Action(
                tool=tool,
                cwd=cwd,
                errors=(f"tool `{tool}` arguments are a {type(args).__name__}; pass an object",),
            )
        key = _SHELL_TOOLS.get(tool)
        if key is not None:
            return self._bash(tool, args, cwd, key)
        names = mcp_names(tool)
        mcp_server, mcp_tool = names if names else (None, None)
        facts = tool_facts(tool, args, cwd=cwd, home=self._home)
        # Positional, in `Action`'s field order: keywords cost a third more on this path.
        return Action(
            tool,
            args,
            cwd,
            (),
            _unique(facts.reads),
            _unique(facts.writes),
            _unique(facts.hosts),
            _unique(facts.urls),
            (),
            (),
            mcp_server,
            mcp_tool,
            tuple(facts.errors),
        )

    def _bash(self, tool: str, args: Mapping[str, Any], cwd: str | None, key: str) -> Action:
        command = args.get(key)
        if command is None:
            # Harnesses name a shell tool's argument differently (`shell` with `cmd`, `bash`
            # with `command`): the other usual name is read before calling it missing.
            command = next((args[k] for k in _SHELL_KEYS if k != key and k in args), None)
        if isinstance(command, list) and command and all(isinstance(w, str) for w in command):
            command = shlex.join(command)
        if not isinstance(command, str):
            shown = "missing" if command is None else f"a {type(command).__name__}"
            return Action(
                tool=tool,
                args=args,
                cwd=cwd,
                code=(CodeExec("unparsed", repr(command)[:200]),),
                errors=(f"tool `{tool}` argument `{key}` is {shown}; pass a string",),
            )
        parsed = self.shell(command, cwd=cwd)
        detached = parsed.detached
        if args.get("run_in_background") is True:
            detached = (*detached, "run_in_background")
        # Positional, in `Action`'s field order: keywords cost a third more on this path.
        return Action(
            tool,
            args,
            cwd,
            parsed.commands,
            parsed.reads,
            parsed.writes,
            parsed.hosts,
            parsed.urls,
            parsed.code,
            detached,
            None,
            None,
            parsed.errors,
        )

    def tool_call(self, call: ToolCall) -> Action:
        """Normalise a recorded `ToolCall` event."""
        return self.action(call.tool, call.args, cwd=call.cwd)
