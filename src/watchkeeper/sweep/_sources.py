"""Where a sweep learns what is authorised: the deployment registry and supervision state.

Both are read lazily from the home directory. A missing supervision package or state
directory means no session is supervised, so every marked process is flagged (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from watchkeeper.sweep._assess import DeploymentLike, SessionLike

__all__ = ["deployment_lookup", "pid_alive", "read_cgroups", "supervised_sessions"]


def supervised_sessions(home: Path) -> list[SessionLike]:
    """Return every supervised session recorded under `<home>/supervision/`."""
    try:
        from watchkeeper.supervise import load_sessions
    except ImportError:
        return []
    return list(load_sessions(home))


def deployment_lookup(home: Path) -> Callable[[str], DeploymentLike | None]:
    """Return a lookup of registered deployments by name (re-reading the registry on change)."""
    from watchkeeper.deployments import DEPLOYMENTS_FILE, DeploymentFile

    registry = DeploymentFile(home / DEPLOYMENTS_FILE)

    def lookup(name: str) -> DeploymentLike | None:
        return registry.current().get(name)

    return lookup


def pid_alive(pid: int) -> bool:
    """True when a process with `pid` exists (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    state = data[data.rfind(b")") + 2 : data.rfind(b")") + 3]
    return state not in (b"Z", b"X")


def read_cgroups(pid: int) -> list[str] | None:
    """Return the lines of `/proc/PID/cgroup`, or None when unreadable."""
    try:
        with open(f"/proc/{pid}/cgroup", encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    except OSError:
        return None
