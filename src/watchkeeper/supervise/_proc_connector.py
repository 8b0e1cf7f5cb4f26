"""The kernel's process events connector: every fork, exec and exit of a tree, as it happens.

Polling ``/proc`` misses processes that live shorter than the poll interval. Linux reports
each fork, exec and exit to listeners on a netlink socket (``NETLINK_CONNECTOR``, the
``CN_IDX_PROC`` group; root, in the initial network namespace). A `ProcWatch` follows one
tree by fork lineage — a process belongs if its parent did when it forked, so re-parenting
to init, ``setsid`` and renaming change nothing — reads each new or exec'd member's facts
from ``/proc`` at once, and hands the supervisor the members that have already exited, so
even a process that lived a millisecond is recorded. Where the connector is unavailable
`ProcWatch.open` says why, and supervision polls alone.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import struct
import threading
import time
from dataclasses import dataclass, replace

from watchkeeper.supervise._procfs import CLOCK_TICKS, ProcInfo, proc_info

__all__ = ["ProcWatch", "Sighting", "WatchUnavailableError", "open_watch"]

_NETLINK_CONNECTOR = 11
_CN_IDX_PROC = 1
_CN_VAL_PROC = 1
_NLMSG_DONE = 3
_LISTEN = 1
_IGNORE = 2
_FORK = 0x00000001
_EXEC = 0x00000002
_EXIT = 0x80000000
_NLMSG_HEADER = struct.Struct("=IHHII")
_CN_HEADER = struct.Struct("=IIIIHH")
_EVENT_HEADER = struct.Struct("=IIQ")
_FORK_DATA = struct.Struct("=iiii")
_EXEC_DATA = struct.Struct("=ii")
_EXIT_DATA = struct.Struct("=iiII")
_DATA_AT = _NLMSG_HEADER.size + _CN_HEADER.size + _EVENT_HEADER.size
_RECEIVE_BUFFER = 8 << 20


class WatchUnavailableError(Exception):
    """The process events connector cannot be used here (not root, or not supported)."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """A member of the watched tree that has exited: its facts as read when it started or
    last exec'd, and its wait status (None when the kernel did not say)."""

    info: ProcInfo
    status: int | None


def _request(op: int) -> bytes:
    body = struct.pack("=I", op)
    cn = _CN_HEADER.pack(_CN_IDX_PROC, _CN_VAL_PROC, 0, 0, len(body), 0) + body
    return _NLMSG_HEADER.pack(_NLMSG_HEADER.size + len(cn), _NLMSG_DONE, 0, 0, 0) + cn


class ProcWatch:
    """Follows the processes descended from the pids given to `follow`."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._lock = threading.Lock()
        self._tree: dict[int, ProcInfo] = {}
        self._exited: list[Sighting] = []
        self._closed = threading.Event()
        self.lost = 0
        """How many times the kernel dropped events because this listener fell behind."""
        self.failed: str | None = None
        """Why listening stopped before `close`, if it did (polling carries on alone)."""
        self._thread = threading.Thread(target=self._listen, name="proc-connector", daemon=True)
        self._thread.start()

    @classmethod
    def open(cls) -> ProcWatch:
        """Subscribe to the kernel's process events; `WatchUnavailableError` says why not."""
        try:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_CONNECTOR)
        except OSError as exc:
            raise WatchUnavailableError(f"no process events connector: {exc.strerror}") from exc
        try:
            with contextlib.suppress(OSError):  # a larger queue when allowed (root)
                sock.setsockopt(socket.SOL_SOCKET, 33, _RECEIVE_BUFFER)  # SO_RCVBUFFORCE
            sock.bind((0, _CN_IDX_PROC))
            sock.send(_request(_LISTEN))
        except OSError as exc:
            sock.close()
            msg = (
                f"the process events connector refused ({exc.strerror}); it needs root in "
                "the initial network namespace"
            )
            raise WatchUnavailableError(msg) from exc
        sock.settimeout(0.2)
        return cls(sock)

    def follow(self, pid: int) -> None:
        """Watch `pid` and, from now on, everything it forks."""
        info = proc_info(pid) or ProcInfo(pid, None, (), None, None, None, 0)
        with self._lock:
            self._tree[pid] = info

    def drain(self) -> list[Sighting]:
        """Return the members that exited since the last call, oldest first."""
        with self._lock:
            out, self._exited = self._exited, []
        return out

    def settle(self, quiet: float = 0.05, limit: float = 1.0) -> list[Sighting]:
        """Drain until nothing new arrives for `quiet` seconds (at most `limit`); all of it.

        For the end of a session, when the last exits may still be on their way.
        """
        seen = self.drain()
        deadline = time.monotonic() + limit
        calm = time.monotonic() + quiet
        while time.monotonic() < min(calm, deadline):
            time.sleep(quiet / 5)
            more = self.drain()
            if more:
                seen.extend(more)
                calm = time.monotonic() + quiet
        return seen

    def close(self) -> None:
        """Stop listening; safe to call twice."""
        if self._closed.is_set():
            return
        self._closed.set()
        self._thread.join(timeout=2.0)
        with contextlib.suppress(OSError):
            self._sock.send(_request(_IGNORE))
        self._sock.close()

    def __enter__(self) -> ProcWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                data = self._sock.recv(65536)
            except TimeoutError:
                continue
            except OSError as exc:
                if exc.errno == errno.ENOBUFS:
                    self.lost += 1
                    continue
                if not self._closed.is_set():
                    self.failed = f"the process events connector stopped: {exc.strerror}"
                return
            self._handle(data)

    def _handle(self, data: bytes) -> None:
        offset = 0
        while offset + _DATA_AT <= len(data):
            length = _NLMSG_HEADER.unpack_from(data, offset)[0]
            what, _cpu, stamp = _EVENT_HEADER.unpack_from(
                data, offset + _NLMSG_HEADER.size + _CN_HEADER.size
            )
            self._event(what, stamp, data, offset + _DATA_AT)
            if length <= 0:
                return
            offset += (length + 3) & ~3

    def _event(self, what: int, stamp: int, data: bytes, at: int) -> None:
        if what == _FORK:
            _ppid, parent, child_pid, child = _FORK_DATA.unpack_from(data, at)
            if child_pid != child:
                return  # a new thread, not a new process
            with self._lock:
                if parent not in self._tree:
                    return
                inherited = self._tree[parent]
            info = proc_info(child) or replace(
                inherited, pid=child, ppid=parent, start_ticks=stamp * CLOCK_TICKS // 1_000_000_000
            )
            with self._lock:
                self._tree[child] = info
        elif what == _EXEC:
            pid, tgid = _EXEC_DATA.unpack_from(data, at)
            with self._lock:
                known = self._tree.get(tgid)
            if known is None or pid != tgid:
                return
            info = proc_info(tgid) or replace(known, argv=(), exe=None)
            with self._lock:
                if tgid in self._tree:
                    self._tree[tgid] = info
        elif what == _EXIT:
            pid, tgid, status, _signal = _EXIT_DATA.unpack_from(data, at)
            if pid != tgid:
                return
            with self._lock:
                gone = self._tree.pop(tgid, None)
                if gone is not None:
                    self._exited.append(Sighting(gone, status))


def open_watch() -> tuple[ProcWatch | None, str]:
    """Return a watch and ``"process events connector"``, or None and why polling must do."""
    try:
        return ProcWatch.open(), "process events connector"
    except WatchUnavailableError as exc:
        return None, f"polling /proc only ({exc})"
