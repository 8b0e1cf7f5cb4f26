"""The fallback backend: no cgroup, the session is every process carrying its marker.

The agent starts in its own process group, but a process group is easy to leave
(``setsid``, ``setpgid``), so membership is decided by the ``WATCHKEEPER_SESSION`` marker in
each process's initial environment, which every descendant inherits. Freezing is SIGSTOP to
each member; killing is SIGSTOP then SIGKILL, repeated until a scan of ``/proc`` finds none.
No process limit can be enforced. A process that rewrites its own environment block, or one
started by a process outside the tree, escapes this backend — use a cgroup where possible.
"""

from __future__ import annotations

import signal

from watchkeeper.supervise._confinement import MARKER_ENV, Backend, wait_empty
from watchkeeper.supervise._procfs import marker_pids, signal_all

__all__ = ["ProcessGroupConfinement"]


class ProcessGroupConfinement:
    """A session held by its environment marker (and, loosely, the agent's process group)."""

    def __init__(self, session: str, *, max_procs: int | None = None) -> None:
        self._session = session
        self._limits: dict[str, object] = {}
        if max_procs is not None:
            self._limits["pids.max"] = "not enforced (process-group backend)"

    @property
    def backend(self) -> Backend:
        return "pgroup"

    @property
    def paths(self) -> tuple[str, ...]:
        return ()

    @property
    def limits(self) -> dict[str, object]:
        return dict(self._limits)

    def add(self, pid: int) -> None:
        del pid  # the marker is already in the child's environment; nothing to place

    def members(self) -> set[int]:
        return marker_pids(MARKER_ENV, self._session)

    def freeze(self) -> None:
        signal_all(self.members(), signal.SIGSTOP)

    def kill(self, timeout: float = 5.0) -> set[int]:
        def sweep() -> set[int]:
            left = self.members()
            signal_all(left, signal.SIGSTOP)
            signal_all(left, signal.SIGKILL)
            return left

        sweep()
        return wait_empty(sweep, timeout)

    def remove(self) -> None:
        return None
