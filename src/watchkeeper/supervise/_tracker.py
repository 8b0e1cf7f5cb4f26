"""Turning successive views of a session's members into `ProcessEvent`s.

Each poll hands the tracker the pids now in the session (and the exit statuses the supervisor
reaped). A pid not seen before is a start; a known pid whose executable changed has exec'd
and is reported as another start of the same pid and start time; a known pid no longer
present has exited (with its status when the supervisor reaped it, as it does for the agent
and for every orphan, being the session's subreaper).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from watchkeeper.events import ProcessEvent
from watchkeeper.supervise._procfs import ProcInfo, proc_info, read_argv

__all__ = ["ProcessTracker"]

_TICKS = os.sysconf("SC_CLK_TCK")


def _boot_time() -> float:
    try:
        text = Path("/proc/stat").read_text(encoding="ascii")
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def _is_zombie(pid: int, ticks: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    fields = stat[stat.rfind(b")") + 2 :].split()
    return fields[0] == b"Z" and int(fields[19]) == ticks


class ProcessTracker:
    """Remembers the live members of one session and reports what changed."""

    def __init__(self, deployment: str, session: str) -> None:
        self._deployment = deployment
        self._session = session
        self._known: dict[int, ProcInfo] = {}
        self._boot = _boot_time()
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
            start_time=self._boot + info.start_ticks / _TICKS,
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
            if info is None:
                continue
            if known is not None and known.start_ticks != info.start_ticks:
                events.append(self._event(known, "exit", reaped.pop(pid, None)))
                self.exited += 1
            self._known[pid] = info
            events.append(self._event(info, "start"))
            if known is None or known.start_ticks != info.start_ticks:
                self.started += 1
        for pid in [p for p in self._known if p not in members]:
            status = reaped.pop(pid, None)
            if status is None and not final and _is_zombie(pid, self._known[pid].start_ticks):
                continue  # report it once reaped, with its status
            events.append(self._event(self._known.pop(pid), "exit", status))
            self.exited += 1
        return events
