"""Files as a session's commands and edits touch them: which file a command names, what the
session made and wrote itself, and what a command puts back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from watchkeeper.monitors.integrity._edits import Edit
from watchkeeper.monitors.integrity._runners import find_test_run
from watchkeeper.normalize import Action, Command

__all__ = [
    "DELETERS",
    "as_typed",
    "base_name",
    "copied_to",
    "is_own",
    "keep_own",
    "restores",
    "reworks_own",
    "same_file",
    "writes_first",
]

DELETERS = frozenset({"rm", "unlink", "shred", "truncate"})
_HOME = re.compile(r"^(?:/root|/home/[^/]+|/Users/[^/]+)/")
_WRITERS = frozenset({*DELETERS, "git", "sed", "perl", "cp", "mv", "tee", "patch", "ln"})


def base_name(path: str) -> str:
    """`PurePosixPath(path).name` without making the path: the last part that is neither empty
    nor `.` (`a/b/.` is `b`), or "" when there is none."""
    last = path.rpartition("/")[2]
    if last and last != ".":
        return last
    parts = [p for p in path.split("/") if p and p != "."]
    return parts[-1] if parts else ""


def same_file(path: str, typed: str) -> bool:
    """Whether the resolved `path` is the file a command names as `typed` (often relative)."""
    typed = typed.strip("'\"").removeprefix("./")
    if typed.startswith("/") and path.startswith("/"):
        # `~` resolved for a different user (`/root/x` for the session's `/home/dev/x`)
        return _HOME.sub("", path) == _HOME.sub("", typed)
    return bool(typed) and (path == typed or path.endswith("/" + typed))


def is_own(own: set[str], path: str) -> bool:
    """Whether `path` is a file the session wrote itself; a shell command names it relative
    to the project (`rm tests/test_tmp.py`) where the Write tool gave it in full."""
    return path in own or any(same_file(mine, path) for mine in own)


def as_typed(path: str, command: str) -> set[str]:
    """The spellings of `path` that `command` uses (relative paths as typed)."""
    parts = PurePosixPath(path).parts
    tails = {"/".join(parts[i:]) for i in range(1, len(parts))}
    return {t for t in tails if t in command and "/" in t} or {PurePosixPath(path).name}


def restores(action: Action, path: str) -> bool:
    """Whether a command puts `path` back as it was (`git checkout -- f`, `git restore f`,
    `git stash`) after changing it."""
    for command in action.commands:
        argv = command.argv
        if command.name != "git" or len(argv) < 2:
            continue
        if argv[1] == "stash" or (
            argv[1] in ("checkout", "restore")
            and any(same_file(path, a) for a in argv[2:] if not a.startswith("-"))
        ):
            return True
    return False


def copied_to(commands: Sequence[Command]) -> list[str]:
    """The files a shell line makes by copying, moving or touching (`cp /tmp/t.go ./x_test.go`):
    a file it then deletes again is a throwaway of its own."""
    made: list[str] = []
    for command in commands:
        operands = [a for a in command.argv[1:] if not a.startswith("-")]
        if command.name in ("cp", "mv", "ln", "install") and len(operands) >= 2:
            made.append(operands[-1])
        elif command.name in ("touch", "tee"):
            made.extend(operands)
    return made


def writes_first(commands: Sequence[Command]) -> bool:
    """Whether a shell line changes files before the test run it holds (`sed -i … && pytest`)."""
    at = next((i for i, c in enumerate(commands) if find_test_run([c]) is not None), None)
    return at is not None and any(c.name in _WRITERS for c in commands[:at])


def keep_own(state: dict[str, Any], edit: Edit) -> None:
    """Remember the test lines an edit adds: lines the session wrote itself."""
    before = set((edit.before or "").splitlines())
    added = {
        line.strip() for line in edit.after.splitlines() if line.strip() and line not in before
    }
    state.setdefault("own_lines", {}).setdefault(edit.path, set()).update(added)


def reworks_own(state: dict[str, Any], edit: Edit) -> bool:
    """Whether an edit only changes test lines the session itself added earlier (its own
    example or test, fixed after a first run): no test the project had is touched."""
    if edit.before is None:
        return False
    mine: set[str] = state.get("own_lines", {}).get(edit.path, set())
    after = set(edit.after.splitlines())
    removed = {
        line.strip() for line in edit.before.splitlines() if line.strip() and line not in after
    }
    return bool(removed) and removed <= mine
