"""Choosing a backend for a new session, and re-attaching to a running session's confinement."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from watchkeeper.supervise._cgroup1 import Cgroup1Confinement, cgroup1_available
from watchkeeper.supervise._cgroup2 import Cgroup2Confinement, cgroup2_root
from watchkeeper.supervise._confinement import Backend, Confinement, ConfinementError
from watchkeeper.supervise._mounts import CgroupMounts, read_cgroup_mounts
from watchkeeper.supervise._pgroup import ProcessGroupConfinement

__all__ = ["BackendChoice", "attach_confinement", "available_backends", "open_confinement"]

#: What `watchkeeper run --backend` accepts: a backend, or ``auto`` for the best available.
BackendChoice = Literal["auto", "cgroup2", "cgroup1", "pgroup"]


def available_backends(mounts: CgroupMounts | None = None) -> list[Backend]:
    """Return the backends usable on this host, best first (``pgroup`` always works)."""
    mounts = read_cgroup_mounts() if mounts is None else mounts
    found: list[Backend] = []
    if cgroup2_root(mounts) is not None:
        found.append("cgroup2")
    if cgroup1_available(mounts):
        found.append("cgroup1")
    found.append("pgroup")
    return found


def open_confinement(
    choice: BackendChoice,
    deployment: str,
    session: str,
    *,
    max_procs: int | None = None,
    mounts: CgroupMounts | None = None,
) -> Confinement:
    """Create the confinement of a new session with the chosen (or best) backend."""
    mounts = read_cgroup_mounts() if mounts is None else mounts
    usable = available_backends(mounts)
    if choice == "auto":
        backend = usable[0]
    elif choice in usable:
        backend = choice
    else:
        raise ConfinementError(
            f"backend `{choice}` is not available here (usable: {', '.join(usable)}); "
            "pick one of those or `auto`"
        )
    if backend == "cgroup2":
        return Cgroup2Confinement.create(mounts, deployment, session, max_procs=max_procs)
    if backend == "cgroup1":
        return Cgroup1Confinement.create(mounts, deployment, session, max_procs=max_procs)
    return ProcessGroupConfinement(session, max_procs=max_procs)


def attach_confinement(backend: Backend, session: str, paths: list[str]) -> Confinement:
    """Return the confinement a session recorded (`backend`, its cgroup `paths`)."""
    if backend == "cgroup2" and paths:
        return Cgroup2Confinement(Path(paths[0]), tuple(Path(p) for p in paths[1:]))
    if backend == "cgroup1" and paths:
        pids = Path(paths[1]) if len(paths) > 1 else None
        return Cgroup1Confinement(Path(paths[0]), pids)
    return ProcessGroupConfinement(session)
