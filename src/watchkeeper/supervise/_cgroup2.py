"""The cgroup v2 backend: ``<mount>/watchkeeper/<deployment>/<session>``.

Freezing writes ``cgroup.freeze``; killing writes ``cgroup.kill`` (the kernel kills every
process in the subtree at once, frozen ones included), or SIGKILLs each member on kernels
without it. A process limit goes to ``pids.max`` when the v2 hierarchy has the pids
controller; on a hybrid host whose pids controller is mounted as v1, a v1 pids cgroup of the
same name carries the limit instead.
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

__all__ = ["Cgroup2Confinement", "cgroup2_root"]

_FROZEN_WAIT = 0.5


def cgroup2_root(mounts: CgroupMounts) -> Path | None:
    """Return ``<v2 mount>/watchkeeper`` if it can be created and written, else None."""
    if mounts.v2 is None:
        return None
    root = mounts.v2 / "watchkeeper"
    try:
        root.mkdir(exist_ok=True)
    except OSError:
        return None
    if not (root / "cgroup.freeze").exists() or not (root / "cgroup.procs").exists():
        return None
    return root


def _enable_pids(chain: list[Path]) -> bool:
    """Enable the pids controller down `chain` (mount root first); return whether it worked."""
    for parent in chain:
        try:
            if "pids" not in (parent / "cgroup.controllers").read_text().split():
                return False
            if "pids" not in (parent / "cgroup.subtree_control").read_text().split():
                (parent / "cgroup.subtree_control").write_text("+pids")
        except OSError:
            return False
    return True


class Cgroup2Confinement:
    """A session held in a cgroup v2 directory (plus a v1 pids cgroup on hybrid hosts)."""

    def __init__(
        self, directory: Path, extra: tuple[Path, ...] = (), limits: dict[str, object] | None = None
    ) -> None:
        self._dir = directory
        self._extra = extra
        self._limits = dict(limits or {})

    @classmethod
    def create(
        cls, mounts: CgroupMounts, deployment: str, session: str, *, max_procs: int | None
    ) -> Cgroup2Confinement:
        """Create the session's cgroup (and its limit); raise `ConfinementError` if impossible."""
        root = cgroup2_root(mounts)
        if root is None or mounts.v2 is None:
            raise ConfinementError("cgroup v2 is not mounted writable here; use another backend")
        parent = root / check_component(deployment, "deployment")
        directory = parent / check_component(session, "session")
        try:
            parent.mkdir(exist_ok=True)
            directory.mkdir()
        except OSError as exc:
            raise ConfinementError(f"cannot create cgroup `{directory}` ({exc.strerror})") from exc
        limits: dict[str, object] = {}
        extra: tuple[Path, ...] = ()
        if max_procs is not None:
            if _enable_pids([mounts.v2, root, parent]):
                (directory / "pids.max").write_text(str(max_procs))
                limits["pids.max"] = max_procs
            elif "pids" in mounts.v1:
                v1 = mounts.v1["pids"] / "watchkeeper" / deployment / session
                v1.mkdir(parents=True, exist_ok=True)
                (v1 / "pids.max").write_text(str(max_procs))
                extra = (v1,)
                limits["pids.max"] = max_procs
                limits["pids.via"] = "cgroup1"
            else:
                limits["pids.max"] = "not enforced (no pids controller)"
        return cls(directory, extra, limits)

    @property
    def backend(self) -> Backend:
        return "cgroup2"

    @property
    def paths(self) -> tuple[str, ...]:
        return (str(self._dir), *(str(p) for p in self._extra))

    @property
    def limits(self) -> dict[str, object]:
        return dict(self._limits)

    def add(self, pid: int) -> None:
        add_to_cgroups(pid, (self._dir, *self._extra))

    def members(self) -> set[int]:
        return cgroup_members(self._dir)

    def freeze(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self._dir / "cgroup.freeze").write_text("1")
            wait_empty(lambda: set() if self._frozen() else {0}, _FROZEN_WAIT)

    def _frozen(self) -> bool:
        try:
            return "frozen 1" in (self._dir / "cgroup.events").read_text()
        except OSError:
            return True

    def kill(self, timeout: float = 5.0) -> set[int]:
        kill_file = self._dir / "cgroup.kill"

        def sweep() -> set[int]:
            left = self.members()
            if left:
                if kill_file.exists():
                    with contextlib.suppress(FileNotFoundError):
                        kill_file.write_text("1")
                else:
                    signal_all(left, signal.SIGKILL)
            return left

        sweep()
        return wait_empty(sweep, timeout)

    def remove(self) -> None:
        remove_tree(self._dir)
        for directory in self._extra:
            remove_tree(directory)
        with contextlib.suppress(OSError):
            self._dir.parent.rmdir()  # the deployment's directory, once its last session ends
        for directory in self._extra:
            with contextlib.suppress(OSError):
                directory.parent.rmdir()
