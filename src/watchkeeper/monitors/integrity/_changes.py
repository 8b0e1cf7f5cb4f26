"""What a session changed and when: every edit, by step and file; which edits change the code
and its tests rather than only how the tests are run (a Makefile recipe, a `package.json`
script, a runner's configuration); and changes put back with git, which take the runs made
in between with them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from watchkeeper.monitors.integrity._edits import FileRole, file_role, leaves_local_runs
from watchkeeper.monitors.integrity._files import restores
from watchkeeper.monitors.integrity._reverts import Change
from watchkeeper.normalize import Action

__all__ = [
    "changed_behaviour_since",
    "code_edited_at",
    "note_edit",
    "put_back",
    "rewired_since",
    "void_runs",
]

# Files that say how the tests are run and reported, not what the code or its tests do
_WIRING = re.compile(
    r"(?:^|/)(?:(?:GNU)?[Mm]akefile|[\w.-]+\.mk|\.?[Jj]ustfile|Taskfile\.ya?ml|package\.json"
    r"|tox\.ini|noxfile\.py|pytest\.ini|\.mocharc\.[a-z]+|\.nycrc[.\w]*|\.coveragerc|nextest\.toml"
    r"|(?:jest|vitest|playwright|karma|cypress)\.config\.[cm]?[jt]s)$"
)


def _wiring(path: str) -> bool:
    return bool(_WIRING.search(path)) or file_role(path) is FileRole.GRADING


def note_edit(state: dict[str, Any], index: int, path: str) -> None:
    """Log that step `index` changed `path`."""
    log: list[tuple[int, str]] = state.setdefault("edit_log", [])
    log.append((index, path))


def code_edited_at(state: dict[str, Any]) -> int:
    """The last step that changed the code or its tests, not only how tests are run or the
    documentation (-1 when none did)."""
    log: list[tuple[int, str]] = state.get("edit_log", [])
    return max(
        (i for i, path in log if not _wiring(path) and not leaves_local_runs(path)), default=-1
    )


def rewired_since(state: dict[str, Any], index: int) -> list[str]:
    """The files that say how tests are run and reported (a Makefile, a test script, a runner's
    configuration, `package.json`'s scripts) changed after step `index`; a manifest edit that
    only changes dependency versions does not count: it may change what the code does."""
    log: list[tuple[int, str]] = state.get("edit_log", [])
    changes: list[Change] = state.get("changes", [])
    found: list[str] = []
    for at, path in log:
        if at <= index or not _wiring(path) or path in found:
            continue
        known = [c for c in changes if c.index == at and c.path == path]
        if known and all(_only_versions(c.old, c.new) for c in known):
            continue
        found.append(path)
    return found


# `"zod": "^3.23.8",` in package.json: a dependency and its version
_VERSION_LINE = re.compile(r'^\s*"[@\w./-]+"\s*:\s*"[~^<>=*]*\d[\w.*-]*"\s*,?\s*$')


def _only_versions(old: str, new: str) -> bool:
    changed = set(old.splitlines()) ^ set(new.splitlines())
    return all(_VERSION_LINE.match(line) for line in changed if line.strip())


_CODE_FILE = re.compile(
    r"\.(?:py|pyx|[cm]?[jt]sx?|go|rs|java|kt|kts|scala|rb|php|cs|fs|swift|c|cc|cpp|cxx|h|hpp|m"
    r"|mm|ex|exs|erl|hs|ml|clj|lua|dart|zig|nim|vue|svelte|sh|bash|sql)$"
)
# Comment markers by language, so that Python's `x // 10` is not read as a comment
_HASH = frozenset({"py", "pyx", "rb", "sh", "bash", "ex", "exs", "nim"})
_DASHES = frozenset({"sql", "lua", "hs"})


def changed_behaviour_since(state: dict[str, Any], index: int) -> bool:
    """Whether a program file (not configuration or prose) changed after step `index` in more
    than comments and blank lines: code the last run did not run."""
    log: list[tuple[int, str]] = state.get("edit_log", [])
    changes: list[Change] = state.get("changes", [])
    for at, path in log:
        if at <= index or not _CODE_FILE.search(path):
            continue
        known = [c for c in changes if c.index == at and c.path == path]
        if not known or any(_code_lines(path, c.old) != _code_lines(path, c.new) for c in known):
            return True  # a whole-file write or a shell edit: its change is not known
    return False


def _code_lines(path: str, text: str) -> list[str]:
    """`text` without blank lines, comments and differences of spacing."""
    kind = path.rsplit(".", maxsplit=1)[-1]
    marker = "#" if kind in _HASH else "--" if kind in _DASHES else "//"
    whole = re.compile(rf"^\s*(?:{re.escape(marker)}|/\*|\*|\"\"\"|\'\'\')")
    trailing = re.compile(rf"\s+{re.escape(marker)}\s.*$")
    return [
        " ".join(trailing.sub("", line).split())
        for line in text.splitlines()
        if line.strip() and not whole.match(line)
    ]


def void_runs(state: dict[str, Any]) -> set[int]:
    """The steps of runs that ran changes put back since: they ran code that is gone."""
    voided: set[int] = state.get("void_runs", set())
    return voided


_PUTS_BACK = frozenset({"stash", "checkout", "restore"})


def put_back(state: dict[str, Any], action: Action, runs: Iterable[int]) -> bool:
    """Take a `git checkout -- f` / `git restore f` into account: the changes to the files it
    puts back leave the log, and the runs (steps in `runs`) made since the first of them no
    longer speak for the code (a failing canary test added, run, and removed again). Return
    whether anything was put back."""
    log: list[tuple[int, str]] = state.get("edit_log", [])
    git = [c.argv[1:3] for c in action.commands if c.name == "git" and len(c.argv) > 1]
    if not any(a[0] in _PUTS_BACK for a in git):
        return False  # (`restores` finds no file put back without one of these)
    if any(a[:1] == ("stash",) and a[1:2] in (("pop",), ("apply",)) for a in git):
        return False  # stashed and popped again: compared with the old code, nothing put back
    back = {path for _, path in log if restores(action, path)}
    if not back:
        return False
    since = min(i for i, path in log if path in back)
    state.setdefault("void_runs", set()).update(r for r in runs if r >= since)
    kept = [(i, path) for i, path in log if path not in back]
    state["edit_log"] = kept
    if state.get("last_edit", -1) >= since:
        state["last_edit"] = max((i for i, path in kept if not leaves_local_runs(path)), default=-1)
    return True
