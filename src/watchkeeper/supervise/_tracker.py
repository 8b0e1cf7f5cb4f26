"""Turning successive views of a session's members into `ProcessEvent`s.

Each poll hands the tracker the pids now in the session (and the exit statuses the supervisor
reaped). A pid not seen before is a start; a known pid whose executable changed has exec'd
and is reported as another start of the same pid and start time; a known pid no longer
present has exited (with its status when the supervisor reaped it, as it does for the agent
and for every orphan, being the session's subreaper). Members the kernel's process events
connector saw start and exit between two polls (`sighted`) are reported too, once.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Literal

from watchkeeper.events import ProcessEvent
from watchkeeper.supervise._proc_connector import Sighting
from watchkeeper.supervise._procfs import ProcInfo, is_zombie, proc_info, read_argv

__all__ = ["ProcessTracker"]

_GRACE = 0.5
_REMEMBERED = 65536
"""How many reported exits are remembered, so a late sighting of one is not reported again."""


class ProcessTracker:
    """Remembers the live members of one session and reports what changed."""

    def __init__(self, deployment: str, session: str, *, sightings: bool = False) -> None:
        """`sightings`: exits also arrive through `sighted`, so a member that vanished with
        its status unknown is given `_GRACE` seconds for its sighting before a poll reports it.
        """
        self._deployment = deployment
        self._sightings = sightings
        self._missing: dict[int, float] = {}
        self._session = session
        self._known: dict[int, ProcInfo] = {}
        self._reported: OrderedDict[tuple[int, int], None] = OrderedDict()
        self.started = 0
        self.exited = 0

    @property
    def live(self) -> int:
        """How many members the last observation saw."""
        return len(self._known)

    def _event(
        self, info: ProcInfo, phase: Literal["start", "exit"], status: int | None = None
    ) -> ProcessEvent:
        code: int | None = None
        sig: int | None = None
        if status is not None:
            value = os.waitstatus_to_exitcode(status)
            code, sig = (value, None) if value >= 0 else (None, -value)
        return ProcessEvent(
            deployment_id=self._deployment,
            session_id=self._session,
            phase=phase,
            pid=info.pid,
            ppid=info.ppid,
            argv=info.argv,
            exe=info.exe,
            cwd=info.cwd,
            uid=info.uid,
            start_time=info.start_time,
            exit_code=code,
            signal=sig,
        )

    def observe(
        self, members: set[int], reaped: dict[int, int], *, final: bool = False
    ) -> list[ProcessEvent]:
        """Return the start and exit events since the last call; `reaped` maps pid → status.

        A member that left as a zombie is reported when it is reaped (so its status is
        known), unless `final` is set, when everything absent is reported now.
        """
        events: list[ProcessEvent] = []
        for pid in sorted(members):
            known = self._known.get(pid)
            if known is not None:
                try:
                    argv = read_argv(pid)
                except OSError:
                    continue
                if argv == known.argv:
                    continue
            info = proc_info(pid)
            if info is None or (known is None and (pid, info.start_ticks) in self._reported):
                continue
            if known is not None and known.start_ticks != info.start_ticks:
                events.append(self._exit(known, reaped.pop(pid, None)))
            self._known[pid] = info
            events.append(self._event(info, "start"))
            if known is None or known.start_ticks != info.start_ticks:
                self.started += 1
        for pid in [p for p in self._known if p not in members]:
            status = reaped.pop(pid, None)
            if status is None and not final and is_zombie(pid, self._known[pid].start_ticks):
                continue  # report it once reaped, with its status
            if status is None and not final and self._sightings:
                first = self._missing.setdefault(pid, time.monotonic())
                if time.monotonic() - first < _GRACE:
                    continue  # its sighting carries the status
            self._missing.pop(pid, None)
            events.append(self._exit(self._known.pop(pid), status))
        return events

    def sighted(self, sightings: Iterable[Sighting]) -> list[ProcessEvent]:
        """Return exit events, with the kernel's status, for members that have exited.

        A member no poll saw (it lived between two) gets its start reported first.
        """
        events: list[ProcessEvent] = []
        for sighting in sightings:
            info = sighting.info
            known = self._known.get(info.pid)
            if known is not None and known.start_ticks == info.start_ticks:
                del self._known[info.pid]
                self._missing.pop(info.pid, None)
                if info.argv and info.argv != known.argv:  # an exec no poll saw
                    events.append(self._event(info, "start"))
                    known = info
                events.append(self._exit(known, sighting.status))
                continue
            if (info.pid, info.start_ticks) in self._reported:
                continue
            events.append(self._event(info, "start"))
            self.started += 1
            events.append(self._exit(info, sighting.status))
        return events

    def _exit(self, info: ProcInfo, status: int | None) -> ProcessEvent:
        self.exited += 1
        self._reported[(info.pid, info.start_ticks)] = None
        if len(self._reported) > _REMEMBERED:
            self._reported.popitem(last=False)
        return self._event(info, "exit", status)
