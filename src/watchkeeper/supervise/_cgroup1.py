"""The cgroup v1 backend: ``<freezer>/watchkeeper/<deployment>/<session>`` plus the same under pids.

v1 has no ``cgroup.kill``: the freezer stops the whole tree (so nothing forks while it is
being killed), every member gets SIGKILL, and thawing lets the signals land. That repeats
until the freezer cgroup is empty.
"""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

from watchkeeper.supervise._confinement import (
    Backend,
    ConfinementError,
    add_to_cgroups,
    cgroup_members,
    check_component,
    remove_tree,
    wait_empty,
)
from watchkeeper.supervise._mounts import CgroupMounts
from watchkeeper.supervise._procfs import signal_all

__all__ = ["Cgroup1Confinement", "cgroup1_available"]

_FROZEN_WAIT = 0.5


def cgroup1_available(mounts: CgroupMounts) -> bool:
    """Return whether a v1 freezer hierarchy is mounted and writable here."""
    freezer = mounts.v1.get("freezer")
    if freezer is None:
        return False
    try:
        (freezer / "watchkeeper").mkdir(exist_ok=True)
    except OSError:
        return False
    return (freezer / "watchkeeper" / "cgroup.procs").exists()


class Cgroup1Confinement:
    """A session held in a v1 freezer cgroup, with a v1 pids cgroup beside it when mounted."""

    def __init__(
        self, freezer: Path, pids: Path | None = None, limits: dict[str, object] | None = None
    ) -> None:
        self._freezer = freezer
        self._pids = pids
        self._limits = dict(limits or {})

    @classmethod
    def create(
        cls, mounts: CgroupMounts, deployment: str, session: str, *, max_procs: int | None
    ) -> Cgroup1Confinement:
        """Create the session's cgroups (and its limit); raise `ConfinementError` if impossible."""
        if not cgroup1_available(mounts):
            raise ConfinementError("no writable cgroup v1 freezer here; use another backend")
        relative = Path(
            "watchkeeper",
            check_component(deployment, "deployment"),
            check_component(session, "session"),
        )
        freezer = mounts.v1["freezer"] / relative
        pids = mounts.v1["pids"] / relative if "pids" in mounts.v1 else None
        limits: dict[str, object] = {}
        try:
            freezer.parent.mkdir(exist_ok=True)
            freezer.mkdir()
            if pids is not None:
                pids.mkdir(parents=True)
                if max_procs is not None:
                    (pids / "pids.max").write_text(str(max_procs))
                    limits["pids.max"] = max_procs
        except OSError as exc:
            raise ConfinementError(f"cannot create cgroup `{relative}` ({exc.strerror})") from exc
        if max_procs is not None and pids is None:
            limits["pids.max"] = "not enforced (no pids controller)"
        return cls(freezer, pids, limits)

    @property
    def backend(self) -> Backend:
        return "cgroup1"

    @property
    def paths(self) -> tuple[str, ...]:
        return (str(self._freezer),) + (() if self._pids is None else (str(self._pids),))

    @property
    def limits(self) -> dict[str, object]:
        return dict(self._limits)

    def add(self, pid: int) -> None:
        add_to_cgroups(pid, (d for d in (self._freezer, self._pids) if d is not None))

    def members(self) -> set[int]:
        return cgroup_members(self._freezer)

    def _state(self, value: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self._freezer / "freezer.state").write_text(value)

    def _frozen(self) -> bool:
        try:
            return (self._freezer / "freezer.state").read_text().strip() == "FROZEN"
        except OSError:
            return True

    def freeze(self) -> None:
        self._state("FROZEN")
        wait_empty(lambda: set() if self._frozen() else {0}, _FROZEN_WAIT)

    def kill(self, timeout: float = 5.0) -> set[int]:
        def sweep() -> set[int]:
            left = self.members()
            if left:
                self.freeze()
                signal_all(self.members(), signal.SIGKILL)
                self._state("THAWED")
            return left

        sweep()
        return wait_empty(sweep, timeout)

    def remove(self) -> None:
        self._state("THAWED")
        for directory in (self._freezer, self._pids):
            if directory is None:
                continue
            remove_tree(directory)
            with contextlib.suppress(OSError):
                directory.parent.rmdir()
