"""Rewrite an MCP client config (`mcpServers`) so each stdio server runs behind the gateway.

A wrapped entry runs ``watchkeeper mcp stdio --name NAME -- <original command> <args>``; the
original command line is kept after ``--``, so uninstalling needs no side file and installing
twice changes nothing. Servers reached over HTTP (`url`) are left as they are and reported.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchkeeper.integrations._config_file import (
    ConfigFileError,
    read_json_object,
    replace_with_backup,
)

__all__ = ["McpConfigChange", "install_mcp", "uninstall_mcp"]

_MARK = ["mcp", "stdio"]


@dataclass(frozen=True, slots=True)
class McpConfigChange:
    """What happened to each server of one config file, and the backup made (if any)."""

    path: Path
    wrapped: tuple[str, ...]
    unwrapped: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    backup: Path | None


def _servers(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    data = read_json_object(path)
    servers = data.get("mcpServers", {})
    if not isinstance(servers, dict) or not all(isinstance(v, dict) for v in servers.values()):
        raise ConfigFileError(f"`mcpServers` in `{path}` is not an object of server objects")
    return data, servers


def _is_wrapped(entry: dict[str, Any]) -> bool:
    args = entry.get("args")
    return isinstance(args, list) and args[:2] == _MARK and "--" in args


def install_mcp(
    path: Path, *, watchkeeper: str | None = None, extra_args: tuple[str, ...] = ()
) -> McpConfigChange:
    """Wrap every stdio server in `path` (idempotent); `extra_args` go before ``--``."""
    program = watchkeeper or str(Path(sys.executable).with_name("watchkeeper"))
    data, servers = _servers(path)
    wrapped: list[str] = []
    skipped: list[tuple[str, str]] = []
    for name, entry in servers.items():
        if _is_wrapped(entry):
            skipped.append((name, "already behind watchkeeper"))
        elif not isinstance(entry.get("command"), str) or not entry["command"]:
            skipped.append(
                (name, "not an stdio server (no `command`); HTTP servers stay as they are")
            )
        elif "__" in name:
            skipped.append((name, "its name contains `__`, which tool names use as a separator"))
        else:
            args = entry.get("args") or []
            if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
                skipped.append((name, "`args` is not a list of strings"))
                continue
            entry["args"] = [*_MARK, "--name", name, *extra_args, "--", entry["command"], *args]
            entry["command"] = program
            wrapped.append(name)
    backup = replace_with_backup(path, data) if wrapped else None
    return McpConfigChange(path, tuple(wrapped), (), tuple(skipped), backup)


def uninstall_mcp(path: Path) -> McpConfigChange:
    """Restore every wrapped server in `path` to its original command line."""
    data, servers = _servers(path)
    unwrapped: list[str] = []
    for name, entry in servers.items():
        if not _is_wrapped(entry):
            continue
        args = entry["args"]
        original = args[args.index("--") + 1 :]
        if not original:
            continue
        entry["command"], entry["args"] = original[0], original[1:]
        unwrapped.append(name)
    backup = replace_with_backup(path, data) if unwrapped else None
    return McpConfigChange(path, (), tuple(unwrapped), (), backup)
