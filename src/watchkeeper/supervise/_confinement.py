"""The `Confinement` protocol: one session's processes, held so they can be frozen and killed.

Three backends implement it — cgroup v2, cgroup v1 (freezer + pids) and a process group with
an environment marker — chosen by `watchkeeper.supervise.open_confinement`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal, Protocol

__all__ = [
    "DEPLOYMENT_ENV",
    "MARKER_ENV",
    "Backend",
    "Confinement",
    "ConfinementError",
    "add_to_cgroups",
    "cgroup_members",
    "check_component",
    "remove_tree",
    "wait_empty",
]

Backend = Literal["cgroup2", "cgroup1", "pgroup"]
#: The environment variable every supervised process inherits: its session id.
MARKER_ENV = "WATCHKEEPER_SESSION"
#: The environment variable every supervised process inherits: its deployment's name.
DEPLOYMENT_ENV = "WATCHKEEPER_DEPLOYMENT"
_COMPONENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")


class ConfinementError(RuntimeError):
    """A backend cannot be used here, or a process could not be placed in or removed from it."""


class Confinement(Protocol):
    """The processes of one supervised session."""

    @property
    def backend(self) -> Backend: ...

    @property
    def paths(self) -> tuple[str, ...]:
        """The cgroup directories (empty for the process-group backend)."""
        ...

    @property
    def limits(self) -> dict[str, object]:
        """What is enforced, e.g. ``{"pids.max": 64}`` or ``{"pids.max": "not enforced"}``."""
        ...

    def add(self, pid: int) -> None:
        """Place `pid` (not yet running the agent) in the session."""
        ...

    def members(self) -> set[int]:
        """Return the pids in the session now."""
        ...

    def freeze(self) -> None:
        """Stop every process in the session from running (and from forking)."""
        ...

    def kill(self, timeout: float = 5.0) -> set[int]:
        """Kill every process in the session; return the pids still alive after `timeout`."""
        ...

    def remove(self) -> None:
        """Remove the session's cgroups (they must be empty); no-op when already gone."""
        ...


def check_component(value: str, what: str) -> str:
    """Return `value` if it is safe as one path component of a cgroup, else raise."""
    if not _COMPONENT.fullmatch(value):
        raise ConfinementError(
            f"{what} `{value}` cannot name a cgroup; use A-Z a-z 0-9 . _ : - only"
        )
    return value


def add_to_cgroups(pid: int, directories: Iterable[Path]) -> None:
    """Move `pid` into each cgroup directory in turn (one per hierarchy); raise if refused."""
    for directory in directories:
        try:
            (directory / "cgroup.procs").write_text(str(pid))
        except OSError as exc:
            raise ConfinementError(
                f"cannot move pid {pid} into `{directory}` ({exc.strerror})"
            ) from exc


def cgroup_members(directory: Path) -> set[int]:
    """Return the pids in `directory` and every cgroup below it."""
    found: set[int] = set()
    for root, _dirs, _files in os.walk(directory):
        try:
            text = (Path(root) / "cgroup.procs").read_text()
        except OSError:
            continue
        found.update(int(line) for line in text.split())
    return found


def remove_tree(directory: Path) -> None:
    """Remove `directory` and the cgroups below it, deepest first (they must be empty)."""
    if not directory.exists():
        return
    for root, _dirs, _files in os.walk(directory, topdown=False):
        try:
            os.rmdir(root)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ConfinementError(f"cannot remove cgroup `{root}` ({exc.strerror})") from exc


def wait_empty(poll: Callable[[], set[int]], timeout: float) -> set[int]:
    """Call `poll` until it returns an empty set or `timeout` seconds pass; return the last."""
    deadline = time.monotonic() + timeout
    while True:
        left = poll()
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.002)
