"""Reading the host's processes from `/proc`: small, fast, and tolerant of processes vanishing.

Only what a sweep needs is read: pid, parent, real uid, the executable, the argument vector,
`comm`, the start time, and — where readable — the watchkeeper variables of the environment
(the supervision marker). Other environment variables are never kept: they may hold secrets.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MARKER_PREFIX", "ProcReader", "ProcessInfo"]

#: Environment variables with this prefix are kept from `/proc/PID/environ`.
MARKER_PREFIX = "WATCHKEEPER_"
_SESSION_VAR = "WATCHKEEPER_SESSION"
_DEPLOYMENT_VAR = "WATCHKEEPER_DEPLOYMENT"


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """One process as `/proc` showed it.

    `exe` is the resolved executable (None when unreadable or a kernel thread); `argv` is
    `/proc/PID/cmdline` split on NUL, so a renamed `argv[0]` shows as written; `start_time`
    is seconds since the epoch (UTC); `environ` holds only the ``WATCHKEEPER_*`` variables, and
    is None when the environment could not be read.
    """

    pid: int
    ppid: int
    uid: int
    exe: str | None
    argv: tuple[str, ...]
    comm: str
    start_time: float
    environ: Mapping[str, str] | None = field(default=None, compare=False)

    @property
    def session(self) -> str | None:
        """The `WATCHKEEPER_SESSION` marker, if the process carries one."""
        return None if self.environ is None else self.environ.get(_SESSION_VAR) or None

    @property
    def deployment(self) -> str | None:
        """The `WATCHKEEPER_DEPLOYMENT` marker, if the process carries one."""
        return None if self.environ is None else self.environ.get(_DEPLOYMENT_VAR) or None

    @property
    def has_marker(self) -> bool:
        """True when the process carries a session or deployment marker."""
        return self.session is not None or self.deployment is not None

    @property
    def key(self) -> str:
        """A name for this process that survives pid reuse: ``pid@start-time``."""
        return f"{self.pid}@{self.start_time:.2f}"


class ProcReader:
    """Reads processes under a proc root (default `/proc`).

    The boot time and clock tick rate are read once, when the reader is made.
    """

    def __init__(self, root: Path = Path("/proc")) -> None:
        self._root = root
        self._ticks = float(os.sysconf("SC_CLK_TCK"))
        self._boot = _boot_time(root)

    def pids(self) -> list[int]:
        """Return the pids present now, ascending."""
        return sorted(int(name) for name in os.listdir(self._root) if name.isdigit())

    def scan(self, pids: Iterable[int] | None = None) -> list[ProcessInfo]:
        """Read every process (or just `pids`); processes that vanish meanwhile are left out."""
        found = (self.read(pid) for pid in (self.pids() if pids is None else pids))
        return [info for info in found if info is not None]

    def read(self, pid: int) -> ProcessInfo | None:
        """Return process `pid`, or None if it does not exist (or exited while being read)."""
        base = self._root / str(pid)
        try:
            stat = (base / "stat").read_bytes()
            status = (base / "status").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            return None
        parsed = _parse_stat(stat)
        uid = _parse_uid(status)
        if parsed is None or uid is None:
            return None
        comm, ppid, start_ticks = parsed
        try:
            argv = tuple(
                os.fsdecode(part) for part in (base / "cmdline").read_bytes().split(b"\0")[:-1]
            )
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            return None
        try:
            exe: str | None = os.readlink(base / "exe")
        except OSError:
            exe = None
        return ProcessInfo(
            pid=pid,
            ppid=ppid,
            uid=uid,
            exe=exe,
            argv=argv,
            comm=comm,
            start_time=self._boot + start_ticks / self._ticks,
            environ=_read_marker(base / "environ"),
        )


def _boot_time(root: Path) -> float:
    for line in (root / "stat").read_text(encoding="ascii").splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def _parse_stat(data: bytes) -> tuple[str, int, int] | None:
    """Return (comm, ppid, start ticks) from `/proc/PID/stat`; comm may hold spaces and `)`."""
    open_at = data.find(b"(")
    close_at = data.rfind(b")")
    if open_at < 0 or close_at < open_at:
        return None
    rest = data[close_at + 2 :].split()
    # After comm: state(0) ppid(1) … starttime is field 22 overall, index 19 here.
    if len(rest) < 20:
        return None
    return os.fsdecode(data[open_at + 1 : close_at]), int(rest[1]), int(rest[19])


def _parse_uid(status: bytes) -> int | None:
    for line in status.splitlines():
        if line.startswith(b"Uid:"):
            fields = line.split()
            return int(fields[1]) if len(fields) > 1 else None
    return None


def _read_marker(path: Path) -> dict[str, str] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    prefix = MARKER_PREFIX.encode()
    marker: dict[str, str] = {}
    for entry in data.split(b"\0"):
        if entry.startswith(prefix):
            name, _, value = entry.partition(b"=")
            marker[os.fsdecode(name)] = os.fsdecode(value)
    return marker
