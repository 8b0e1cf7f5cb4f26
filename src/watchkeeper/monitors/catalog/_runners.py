"""What a task runner runs: recipes of Makefile targets and package.json scripts.

``make run`` or ``npm test`` name no command themselves; what they run is in a file. When
the agent wrote (or edited) that file earlier in the session, the recipe lines of the
targets it asks for (with their prerequisites), or the ``pre``/main/``post`` scripts it
triggers, are returned as shell so every family judges them as if typed. Nothing the agent
did not write in this session is looked at: files on disk are unknown to the monitor.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from watchkeeper.monitors.catalog._base import Ctx
from watchkeeper.normalize import Command

__all__ = ["RUNNERS", "locate", "recall", "runner_scripts", "set_scripts", "wrote_runner_file"]

_MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun"})
#: Commands whose work is defined in a file (see `runner_scripts`).
RUNNERS = frozenset({"make", *_PACKAGE_MANAGERS})
_RUNNER_FILES = _MAKEFILES | {"package.json"}
_MAKE_VALUE = frozenset({"-C", "--directory", "-f", "--file", "--makefile", "-j", "--jobs"})
_NPM_ALIASES = {"t": "test", "tst": "test", "i": "install", "ci": "install", "add": "install"}
_INSTALL_HOOKS = ("preinstall", "install", "postinstall", "prepare")
_RULE = re.compile(r"^([A-Za-z0-9_.%/-]+(?:[ \t]+[A-Za-z0-9_.%/-]+)*)[ \t]*::?(?!=)[ \t]*(.*)$")
_SCRIPT = re.compile(r"\"([\w:.-]+)\"\s*:\s*\"((?:[^\"\\\n]|\\.)*)\"")
_CD = re.compile(r"(?:^|[;&|(]\s*)cd\s+([^\s;&|)]+)")
_MAX_RECIPE = 16384
_ASSIGN = re.compile(
    r"^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\?|::?|\+|!)?=\s*(.*)$"
)
_MAKE_VAR = re.compile(r"(?<!\$)\$(?:\(([A-Za-z_][A-Za-z0-9_]*)\)|\{([A-Za-z_][A-Za-z0-9_]*)\})")
_MAKE_SHELL = re.compile(r"\$\(shell\s+([^()]*)\)")


def recall(ctx: Ctx, path: str) -> str | None:
    """Return what this session wrote to `path`; a path under another home directory
    (``/root/x/a.py`` for ``/home/dev/x/a.py``) matches on its last two components."""
    contents = ctx.remembered("contents")
    return contents.get(locate(contents, path))


def locate(written: dict[str, Any], path: str) -> str:
    """Return the key of `written` (paths written in this session) that `path` names: itself,
    or the one path ending in the same last two components (``~/x/a.sh``, or ``/root/x/a.sh``
    for ``/home/dev/x/a.sh``); `path` unchanged when none or several match."""
    if path in written or "/" not in path:
        return path
    tail = "/" + "/".join(path.rsplit("/", 2)[-2:])
    matches = [known for known in written if known.endswith(tail)]
    return matches[-1] if len(matches) == 1 else path


def wrote_runner_file(state: dict[str, Any]) -> bool:
    """Return whether this session (scratch `state`) wrote a Makefile or package.json."""
    contents = state.get("contents") or {}
    return any(posixpath.basename(path) in _RUNNER_FILES for path in contents)


def runner_scripts(ctx: Ctx, command: Command) -> list[str]:
    """Return the shell a ``make``/``npm``/``yarn``/``pnpm`` call runs from a file written
    in this session (empty when it runs nothing known)."""
    if command.name == "make":
        where, body = _written(ctx, _MAKEFILES, _directory(ctx, command, "-C"))
        return [_in(where, _make(body, _make_goals(command)))] if body else []
    if command.name in _PACKAGE_MANAGERS:
        where, body = _written(
            ctx, frozenset({"package.json"}), _directory(ctx, command, "--prefix")
        )
        names = _package_scripts(command)
        if not body or not names:
            return []
        scripts = dict(_SCRIPT.findall(body))
        return [_in(where, _unquoted(scripts[name])) for name in names if name in scripts]
    return []


def set_scripts(command: Command) -> list[tuple[str, str]]:
    """Return the (name, command) package scripts a package manager call sets (``npm pkg set
    scripts.postinstall='…'``, ``npm set-script NAME CMD``)."""
    if command.name not in _PACKAGE_MANAGERS:
        return []
    words = [w for w in command.argv[1:] if not w.startswith("-")]
    if words[:1] == ["set-script"] and len(words) >= 3:
        return [(words[1], " ".join(words[2:]))]
    if words[:2] != ["pkg", "set"]:
        return []
    found = []
    for word in words[2:]:
        key, sep, value = word.partition("=")
        if sep and key.startswith("scripts."):
            found.append((key.removeprefix("scripts."), value))
    return found


def _in(directory: str, script: str) -> str:
    """Return `script` run from `directory` (where its runner file lives), so that relative
    paths in it (``node scripts/a.js``) name the files the session wrote."""
    return f"cd {directory}\n{script}" if directory.startswith("/") else script


def _directory(ctx: Ctx, command: Command, flag: str) -> str:
    argv = command.argv
    for index, word in enumerate(argv[:-1]):
        if word == flag:
            return argv[index + 1]
    moved = _CD.findall(ctx.text)
    return moved[-1] if moved else ""


def _written(ctx: Ctx, names: frozenset[str], directory: str) -> tuple[str, str]:
    """Return the directory and text of the file called one of `names` most recently
    written, in `directory` when that is known (compared by its last component)."""
    want = posixpath.basename(directory.rstrip("/")) if directory else ""
    found = ("", "")
    for path, text in ctx.remembered("contents").items():
        head, name = posixpath.split(path)
        if name in names and (not want or posixpath.basename(head) == want):
            found = (head, text)
    return found


def _make_goals(command: Command) -> list[str]:
    goals: list[str] = []
    words = command.argv[1:]
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _MAKE_VALUE:
            skip = True
        elif not word.startswith("-") and "=" not in word:
            goals.append(word)
    return goals


def _make(body: str, goals: list[str]) -> str:
    """Return the recipe lines `goals` (default: the first rule) run, prerequisites first."""
    rules: dict[str, tuple[list[str], list[str]]] = {}
    variables: dict[str, str] = {}
    current: list[str] = []
    first = ""
    for line in body.replace("\\\n", " ").splitlines():
        if line.startswith("\t"):
            recipe = _expanded(line.strip().lstrip("@-+"), variables).replace("$$", "$")
            for target in current:
                rules[target][1].append(recipe)
            continue
        assignment = _ASSIGN.match(line)
        if assignment is not None:
            variables[assignment[1]] = _expanded(assignment[2].strip(), variables)
            continue
        match = _RULE.match(line)
        if match is None or line.startswith((" ", "#")):
            current = [] if line.strip() and not line.startswith("#") else current
            continue
        current = [t for t in match[1].split() if t != ".PHONY"]
        for target in current:
            rules.setdefault(target, ([], []))[0].extend(match[2].split("#", 1)[0].split())
            first = first or target
    lines: list[str] = []
    seen: set[str] = set()
    pending = list(reversed(goals or [first]))
    while pending and len(seen) < 64:
        target = pending.pop()
        if target in seen or target not in rules:
            continue
        seen.add(target)
        deps, steps = rules[target]
        pending.extend(reversed(deps))
        lines.extend(steps)
    return "\n".join(lines)[:_MAX_RECIPE]


def _expanded(text: str, variables: dict[str, str]) -> str:
    """Return `text` with the Makefile's own variables (``$(DOCKER)``, ``${TAG}``) replaced
    by their values; ``$(shell cmd)`` becomes the shell's ``$(cmd)``; others stay."""
    text = _MAKE_SHELL.sub(r"$(\1)", text)
    return _MAKE_VAR.sub(lambda m: variables.get(m[1] or m[2], m[0]), text)


def _package_scripts(command: Command) -> list[str]:
    words = [w for w in command.argv[1:] if not w.startswith("-")]
    if not words:
        return list(_INSTALL_HOOKS) if command.name != "npm" else []
    verb = _NPM_ALIASES.get(words[0], words[0])
    if verb in {"run", "run-script"}:
        name = words[1] if len(words) > 1 else ""
    elif verb == "install":
        return list(_INSTALL_HOOKS)
    elif command.name == "npm" and verb not in {"test", "start", "stop", "restart"}:
        return []
    else:
        name = verb
    return [f"pre{name}", name, f"post{name}"] if name else []


def _unquoted(value: str) -> str:
    try:
        text: str = json.loads(f'"{value}"')
    except json.JSONDecodeError:
        return value
    return text
