"""Reading processes from ``/proc``: who they are, which carry a session's marker, what listens.

Every reader tolerates a process vanishing between two reads (it returns None or skips it):
the trees we watch fork and die faster than any scan.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ProcInfo",
    "all_pids",
    "listening_inodes",
    "marker_pids",
    "proc_info",
    "read_argv",
    "signal_all",
    "socket_inodes",
    "start_ticks",
]

_PROC = Path("/proc")
_LISTEN = "0A"


@dataclass(frozen=True, slots=True)
class ProcInfo:
    """What the kernel reports about one process; `start_ticks` tells reused pids apart."""

    pid: int
    ppid: int | None
    argv: tuple[str, ...]
    exe: str | None
    cwd: str | None
    uid: int | None
    start_ticks: int


def all_pids() -> list[int]:
    """Return the pid of every process visible in ``/proc``."""
    return [int(name) for name in os.listdir(_PROC) if name.isdigit()]


def start_ticks(pid: int) -> int | None:
    """Return when `pid` started (clock ticks after boot), or None if it is gone."""
    try:
        stat = (_PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: fields resume after the last ')'.
    fields = stat[stat.rfind(b")") + 2 :].split()
    return int(fields[19])


def _ppid(pid: int) -> int | None:
    try:
        stat = (_PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    return int(stat[stat.rfind(b")") + 2 :].split()[1])


def _link(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def _uid(pid: int) -> int | None:
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def read_argv(pid: int) -> tuple[str, ...]:
    """Return `pid`'s command line as the kernel shows it (a rewritten one included)."""
    raw = (_PROC / str(pid) / "cmdline").read_bytes()
    parts = raw.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return tuple(part.decode("utf-8", "replace") for part in parts)


def proc_info(pid: int) -> ProcInfo | None:
    """Return what ``/proc`` says about `pid`, or None if it has exited."""
    ticks = start_ticks(pid)
    if ticks is None:
        return None
    base = _PROC / str(pid)
    try:
        argv = read_argv(pid)
    except OSError:
        argv = ()
    return ProcInfo(
        pid=pid,
        ppid=_ppid(pid),
        argv=argv,
        exe=_link(base / "exe"),
        cwd=_link(base / "cwd"),
        uid=_uid(pid),
        start_ticks=ticks,
    )


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
            environ = (_PROC / str(pid) / "environ").read_bytes()
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
    fd_dir = _PROC / str(pid) / "fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return inodes
    for name in names:
        target = _link(fd_dir / name)
        if target is not None and target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def listening_inodes() -> dict[int, str]:
    """Return every listening TCP socket on the host: inode → ``address:port`` (hex, as read)."""
    found: dict[int, str] = {}
    for table in ("tcp", "tcp6"):
        try:
            lines = (_PROC / "net" / table).read_text().splitlines()[1:]
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
