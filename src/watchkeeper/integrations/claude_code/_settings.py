"""Adding watchkeeper's hooks to a Claude Code ``settings.json``, and taking them out again.

Claude Code reads ``{"hooks": {"<Event>": [{"matcher": "…", "hooks": [{"type": "command",
"command": "…", "timeout": seconds}]}]}}``. Installing merges one entry per event into that
structure without touching any other key or hook; running it again changes nothing;
uninstalling removes only entries whose command is watchkeeper's hook. Every write backs the
old file up beside it first and replaces the file atomically.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchkeeper.integrations._config_file import (
    ConfigFileError,
    read_json_object,
    replace_with_backup,
)

__all__ = [
    "DEFAULT_HOOK_TIMEOUT",
    "HOOK_EVENTS",
    "TOOL_EVENTS",
    "SettingsChange",
    "SettingsError",
    "hook_command",
    "install_hooks",
    "is_watchkeeper_command",
    "uninstall_hooks",
]

#: Every hook event watchkeeper listens to.
HOOK_EVENTS = (
    "PreToolUse",
    "PostToolUse",
    "UserPromptSubmit",
    "Stop",
    "SubagentStop",
    "SessionStart",
    "SessionEnd",
    "Notification",
    "PreCompact",
)
#: Events whose entries take a tool-name matcher.
TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse"})
#: Seconds Claude Code waits for the hook. Past it Claude Code goes on *without* the hook's
#: answer, so it must stay well above the hook's own longest wait: 5 s for the gateway, or a
#: held approval's 120 s (`WATCHKEEPER_APPROVAL_TIMEOUT`) plus 10 s.
DEFAULT_HOOK_TIMEOUT = 180

_OURS = re.compile(
    r"watchkeeper\S*\s+hook\s+claude-code\b"
    r"|watchkeeper[/\\]integrations[/\\]claude_code[/\\](?:_launcher|hook_entry)\.py"
    r"|-m\s+watchkeeper\.integrations\.claude_code\b"
)


class SettingsError(Exception):
    """A settings file cannot be read as Claude Code settings; nothing was written."""


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """What an install or uninstall did: the file, whether it changed, and the backup made."""

    path: Path
    changed: bool
    backup: Path | None
    events: tuple[str, ...]


def hook_command(*, url: str | None = None, fast: bool = True) -> str:
    """Return the shell command Claude Code runs for each hook event.

    `fast` runs the hook's launcher file with ``-S -I``: the interpreter skips the virtualenv's
    `site` start-up, which is most of the cost of a hook call in gateway mode (local mode
    re-executes itself with `site`). Otherwise the `watchkeeper` console script is used.
    `url` is set as ``WATCHKEEPER_URL`` in front of the command (the token is never
    written to settings: export ``WATCHKEEPER_TOKEN`` where Claude Code starts).
    """
    if fast:
        launcher = str(Path(__file__).with_name("_launcher.py"))
        command = f"{shlex.quote(sys.executable)} -S -I {shlex.quote(launcher)}"
    else:
        script = Path(sys.executable).with_name("watchkeeper")
        command = f"{shlex.quote(str(script))} hook claude-code"
    if url:
        command = f"WATCHKEEPER_URL={shlex.quote(url)} {command}"
    return command


def is_watchkeeper_command(command: object) -> bool:
    """Return whether a hook `command` is watchkeeper's Claude Code hook."""
    return isinstance(command, str) and _OURS.search(command) is not None


def _load(path: Path) -> dict[str, Any]:
    try:
        data = read_json_object(path)
    except ConfigFileError as exc:
        raise SettingsError(str(exc)) from exc
    hooks = data.get("hooks", {})
    if not isinstance(hooks, dict) or not all(isinstance(v, list) for v in hooks.values()):
        raise SettingsError(f"`hooks` in `{path}` is not an object of lists; fix it and run again")
    return data


def _write(path: Path, data: dict[str, Any]) -> Path | None:
    """Back up `path` (if it exists) and atomically replace it with `data`."""
    return replace_with_backup(path, data)


def _entry(command: str, timeout: int) -> dict[str, Any]:
    return {"type": "command", "command": command, "timeout": timeout}


def install_hooks(
    path: Path, command: str, *, timeout: int = DEFAULT_HOOK_TIMEOUT
) -> SettingsChange:
    """Merge watchkeeper's hook for every event in `HOOK_EVENTS` into the settings at `path`.

    An existing watchkeeper entry is updated in place (e.g. a new command); entries of other
    tools are left exactly as they are. Nothing is written when nothing changes.
    """
    data = _load(path)
    hooks: dict[str, Any] = data.setdefault("hooks", {})
    touched: list[str] = []
    for event in HOOK_EVENTS:
        groups: list[Any] = hooks.setdefault(event, [])
        wanted = _entry(command, timeout)
        found = False
        for group in groups:
            entries = group.get("hooks") if isinstance(group, dict) else None
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                if isinstance(entry, dict) and is_watchkeeper_command(entry.get("command")):
                    found = True
                    if entry != wanted:
                        entries[index] = wanted  # type: ignore[index]  # a list, checked above
                        touched.append(event)
        if not found:
            added: dict[str, Any] = {"hooks": [wanted]}
            if event in TOOL_EVENTS:
                added = {"matcher": "*", **added}
            groups.append(added)
            touched.append(event)
    if not touched:
        return SettingsChange(path, changed=False, backup=None, events=())
    return SettingsChange(path, changed=True, backup=_write(path, data), events=tuple(touched))


def uninstall_hooks(path: Path) -> SettingsChange:
    """Remove every watchkeeper hook entry from the settings at `path`, and nothing else.

    Groups and event lists left empty by the removal are removed too, as is ``hooks`` when
    it ends up empty.
    """
    if not path.exists():
        return SettingsChange(path, changed=False, backup=None, events=())
    data = _load(path)
    hooks: dict[str, Any] = data.get("hooks", {})
    touched: list[str] = []
    for event in list(hooks):
        kept_groups = []
        for group in hooks[event]:
            entries = group.get("hooks") if isinstance(group, dict) else None
            if not isinstance(entries, list):
                kept_groups.append(group)
                continue
            kept = [
                e
                for e in entries
                if not (isinstance(e, dict) and is_watchkeeper_command(e.get("command")))
            ]
            if len(kept) == len(entries):
                kept_groups.append(group)
                continue
            touched.append(event)
            if kept:
                kept_groups.append({**group, "hooks": kept})
        if event in touched:
            if kept_groups:
                hooks[event] = kept_groups
            else:
                del hooks[event]
    if not touched:
        return SettingsChange(path, changed=False, backup=None, events=())
    if "hooks" in data and not hooks:
        del data["hooks"]
    return SettingsChange(
        path, changed=True, backup=_write(path, data), events=tuple(dict.fromkeys(touched))
    )
