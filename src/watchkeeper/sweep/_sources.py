"""Where a sweep learns what is authorised: the deployment registry and supervision state.

Both are read lazily from the home directory. A missing state directory means no session is
supervised, so every marked process is flagged (fail closed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from watchkeeper.sweep._assess import DeploymentLike, SessionLike

__all__ = ["deployment_lookup", "supervised_sessions"]


def supervised_sessions(home: Path) -> list[SessionLike]:
    """Return every supervised session recorded under `<home>/supervision/`."""
    from watchkeeper.supervise import load_sessions

    return list(load_sessions(home))


def deployment_lookup(home: Path) -> Callable[[str], DeploymentLike | None]:
    """Return a lookup of registered deployments by name (re-reading the registry on change)."""
    from watchkeeper.deployments import DEPLOYMENTS_FILE, DeploymentFile

    registry = DeploymentFile(home / DEPLOYMENTS_FILE)

    def lookup(name: str) -> DeploymentLike | None:
        return registry.current().get(name)

    return lookup
