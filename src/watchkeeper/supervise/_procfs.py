"""Reading process facts from ``/proc``: who a process is, its marker, what it listens on.

Every reader tolerates a process vanishing between two reads (it returns None or skips it):
the trees we watch fork and die faster than any scan. Of the environment only the
``WATCHKEEPER_*`` variables (the supervision marker) are ever kept: the rest may hold secrets.
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from watchkeeper.supervise._confinement import DEPLOYMENT_ENV, MARKER_ENV

__all__ = [
    "CLOCK_TICKS",
    "MARKER_PREFIX",
    "ProcInfo",
    "all_pids",
    "boot_time",
    "is_zombie",
    "listening_inodes",
    "marker_pids",
    "pid_alive",
    "proc_info",
    "read_argv",
    "read_cgroups",
    "read_processes",
    "signal_all",
    "socket_inodes",
    "start_ticks",
]

#: Environment variables with this prefix are kept from `/proc/PID/environ`.
MARKER_PREFIX = "WATCHKEEPER_"
#: Clock ticks per second, the unit of `/proc/PID/stat` times.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = "/proc"
_LISTEN = "0A"


@dataclass(frozen=True, slots=True)
class ProcInfo:
    """What the kernel reports about one process; `start_ticks` tells reused pids apart.

    `argv` is `/proc/PID/cmdline` split on NUL, so a renamed `argv[0]` shows as written;
    `exe` is the resolved executable (None when unreadable or a kernel thread). `environ`
    holds only the ``WATCHKEEPER_*`` variables, and is None when they were not (or could
    not be) read.
    """

    pid: int
    ppid: int | None
    argv: tuple[str, ...]
    exe: str | None
    cwd: str | None
    uid: int | None
    start_ticks: int
    comm: str = ""
    environ: Mapping[str, str] | None = field(default=None, compare=False)

    @property
    def start_time(self) -> float:
        """When the process started, in seconds since the epoch."""
        return boot_time() + self.start_ticks / CLOCK_TICKS

    @property
    def session(self) -> str | None:
        """The `WATCHKEEPER_SESSION` marker, if the process carries one."""
        return None if self.environ is None else self.environ.get(MARKER_ENV) or None

    @property
    def deployment(self) -> str | None:
        """The `WATCHKEEPER_DEPLOYMENT` marker, if the process carries one."""
        return None if self.environ is None else self.environ.get(DEPLOYMENT_ENV) or None

    @property
    def has_marker(self) -> bool:
        """True when the process carries a session or deployment marker."""
        return self.session is not None or self.deployment is not None

    @property
    def key(self) -> str:
        """A name for this process that survives pid reuse: ``pid@start-time``."""
        return f"{self.pid}@{self.start_time:.2f}"


class _Stat(NamedTuple):
    comm: str
    state: bytes
    ppid: int
    start_ticks: int


@functools.cache
def boot_time() -> float:
    """When the host booted, in seconds since the epoch (read once)."""
    try:
        with open(f"{_PROC}/stat", encoding="ascii") as handle:
            text = handle.read()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _stat(pid: int) -> _Stat | None:
    """Parse `/proc/PID/stat`, or None if the process is gone; comm may hold spaces and `)`."""
    try:
        data = _read(f"{_PROC}/{pid}/stat")
    except OSError:
        return None
    open_at = data.find(b"(")
    close_at = data.rfind(b")")
    if open_at < 0 or close_at < open_at:
        return None
    rest = data[close_at + 2 :].split()
    # After comm: state(0) ppid(1) … starttime is field 22 overall, index 19 here.
    if len(rest) < 20:
        return None
    comm = data[open_at + 1 : close_at].decode("utf-8", "replace")
    return _Stat(comm, rest[0], int(rest[1]), int(rest[19]))


def all_pids() -> list[int]:
    """Return the pid of every process visible in ``/proc``, ascending."""
    return sorted(int(name) for name in os.listdir(_PROC) if name.isdigit())


def start_ticks(pid: int) -> int | None:
    """Return when `pid` started (clock ticks after boot), or None if it is gone."""
    stat = _stat(pid)
    return None if stat is None else stat.start_ticks


def pid_alive(pid: int) -> bool:
    """True when a process with `pid` runs (a zombie, dead but not yet reaped, does not)."""
    if pid <= 0:
        return False
    stat = _stat(pid)
    return stat is not None and stat.state not in (b"Z", b"X")


def is_zombie(pid: int, ticks: int) -> bool:
    """True when `pid` is the process that started at `ticks`, exited and not yet reaped."""
    stat = _stat(pid)
    return stat is not None and stat.state == b"Z" and stat.start_ticks == ticks


def _link(path: str) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def _uid(pid: int) -> int | None:
    try:
        status = _read(f"{_PROC}/{pid}/status")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(b"Uid:"):
            fields = line.split()
            return int(fields[1]) if len(fields) > 1 else None
    return None


def read_argv(pid: int) -> tuple[str, ...]:
    """Return `pid`'s command line as the kernel shows it (a rewritten one included)."""
    raw = _read(f"{_PROC}/{pid}/cmdline")
    parts = raw.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return tuple(part.decode("utf-8", "replace") for part in parts)


def _markers(pid: int) -> dict[str, str] | None:
    """The ``WATCHKEEPER_*`` variables of `pid`'s initial environment, or None if unreadable."""
    try:
        data = _read(f"{_PROC}/{pid}/environ")
    except OSError:
        return None
    prefix = MARKER_PREFIX.encode()
    found: dict[str, str] = {}
    for entry in data.split(b"\0"):
        if entry.startswith(prefix):
            name, _, value = entry.partition(b"=")
            found[name.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
    return found


def proc_info(pid: int, *, markers: bool = False) -> ProcInfo | None:
    """Return what ``/proc`` says about `pid` (with its marker variables if asked), or None
    if it has exited."""
    stat = _stat(pid)
    if stat is None:
        return None
    base = f"{_PROC}/{pid}"
    try:
        argv = read_argv(pid)
    except OSError:
        argv = ()
    return ProcInfo(
        pid=pid,
        ppid=stat.ppid,
        argv=argv,
        exe=_link(f"{base}/exe"),
        cwd=_link(f"{base}/cwd"),
        uid=_uid(pid),
        start_ticks=stat.start_ticks,
        comm=stat.comm,
        environ=_markers(pid) if markers else None,
    )


def read_processes(pids: Iterable[int] | None = None) -> list[ProcInfo]:
    """Read every process (or just `pids`) with its marker; ones that vanish are left out."""
    found = (proc_info(pid, markers=True) for pid in (all_pids() if pids is None else pids))
    return [info for info in found if info is not None]


def read_cgroups(pid: int) -> list[str] | None:
    """Return the lines of `/proc/PID/cgroup`, or None when unreadable."""
    try:
        text = _read(f"{_PROC}/{pid}/cgroup").decode("utf-8", "replace")
    except OSError:
        return None
    return [line.strip() for line in text.splitlines() if line.strip()]


def marker_pids(name: str, value: str | None, *, exclude: Iterable[int] = ()) -> set[int]:
    """Return every process whose initial environment holds ``name=value`` (any value: None).

    The environment is inherited through fork, double fork, ``setsid`` and re-parenting, and
    renaming ``argv[0]`` does not touch it, so this finds a tree however it hides its shape.
    """
    prefix = f"{name}=".encode()
    needle = None if value is None else prefix + value.encode()
    skip = {os.getpid(), *exclude}
    found: set[int] = set()
    for pid in all_pids():
        if pid in skip:
            continue
        try:
            environ = _read(f"{_PROC}/{pid}/environ")
        except OSError:
            continue
        if prefix not in environ:
            continue
        entries = environ.split(b"\0")
        matched = (
            needle in entries if needle is not None else any(e.startswith(prefix) for e in entries)
        )
        if matched:
            found.add(pid)
    return found


def socket_inodes(pid: int) -> set[int]:
    """Return the inodes of the sockets `pid` holds open."""
    inodes: set[int] = set()
    fd_dir = f"{_PROC}/{pid}/fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return inodes
    for name in names:
        target = _link(f"{fd_dir}/{name}")
        if target is not None and target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def listening_inodes() -> dict[int, str]:
    """Return every listening TCP socket on the host: inode → ``address:port`` (hex, as read)."""
    found: dict[int, str] = {}
    for table in ("tcp", "tcp6"):
        try:
            lines = _read(f"{_PROC}/net/{table}").decode("ascii", "replace").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == _LISTEN:
                found[int(fields[9])] = f"{table}:{fields[1]}"
    return found


def signal_all(pids: Iterable[int], sig: signal.Signals) -> None:
    """Send `sig` to each pid, ignoring those already gone."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            continue
