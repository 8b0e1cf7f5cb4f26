"""`ProcessTracker` turns member sets into start, exec and exit events."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from watchkeeper.supervise import ProcessTracker
from watchkeeper.supervise._proc_connector import Sighting
from watchkeeper.supervise._procfs import ProcInfo, start_ticks


def test_start_exec_and_exit_with_status() -> None:
    """A new pid is a start; a changed command line is another start; a reaped pid an exit."""
    tracker = ProcessTracker("d", "s")
    proc = subprocess.Popen(["sh", "-c", "read _; exec sleep 5"], stdin=subprocess.PIPE)
    try:
        _wait_for_command(proc.pid, "sh")
        (start,) = tracker.observe({proc.pid}, {})
        assert (start.phase, start.argv[0]) == ("start", "sh")
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        _wait_for_command(proc.pid, "sleep")
        (execd,) = tracker.observe({proc.pid}, {})
        assert (execd.phase, execd.argv, execd.start_time) == (
            "start", ("sleep", "5"), start.start_time
        )  # fmt: skip
        proc.kill()
        _pid, status = os.waitpid(proc.pid, 0)
        (gone,) = tracker.observe(set(), {proc.pid: status})
        assert (gone.phase, gone.signal, gone.exit_code) == ("exit", 9, None)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.returncode = -9


def _wait_for_command(pid: int, name: str) -> None:
    """Wait until `pid` runs `name` (a loaded machine can take longer than any fixed sleep)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if argv[0] == name.encode():
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} never ran {name}")


def _info(pid: int, *argv: str, ticks: int = 100) -> ProcInfo:
    return ProcInfo(pid, 1, argv, f"/usr/bin/{argv[0]}" if argv else None, "/", 0, ticks)


def test_a_sighting_no_poll_saw_is_a_start_and_an_exit() -> None:
    tracker = ProcessTracker("d", "s", sightings=True)
    events = tracker.sighted([Sighting(_info(4_000_001, "curl", "x"), 7 << 8)])
    assert [(e.phase, e.argv, e.exit_code) for e in events] == [
        ("start", ("curl", "x"), None),
        ("exit", ("curl", "x"), 7),
    ]
    assert (tracker.started, tracker.exited) == (1, 1)


def test_a_sighting_of_a_polled_member_is_its_exit_with_the_kernel_status() -> None:
    tracker = ProcessTracker("d", "s", sightings=True)
    proc = subprocess.Popen(["sleep", "5"])
    try:
        time.sleep(0.1)
        assert len(tracker.observe({proc.pid}, {})) == 1
        known = _info(proc.pid, "sleep", "5", ticks=_ticks(proc.pid))
        (gone,) = tracker.sighted([Sighting(known, 9)])
        assert (gone.phase, gone.pid, gone.signal) == ("exit", proc.pid, 9)
        assert tracker.observe(set(), {}) == []
    finally:
        proc.kill()
        proc.wait()


def test_an_exec_only_the_connector_saw_is_recorded_before_the_exit() -> None:
    tracker = ProcessTracker("d", "s", sightings=True)
    proc = subprocess.Popen(["sleep", "5"])
    try:
        time.sleep(0.1)
        assert len(tracker.observe({proc.pid}, {})) == 1
        execd = _info(proc.pid, "sh", "-c", "payload", ticks=_ticks(proc.pid))
        events = tracker.sighted([Sighting(execd, 0)])
        assert [(e.phase, e.argv) for e in events] == [
            ("start", ("sh", "-c", "payload")),
            ("exit", ("sh", "-c", "payload")),
        ]
    finally:
        proc.kill()
        proc.wait()


def test_an_exit_polls_reported_is_not_reported_again_by_a_late_sighting() -> None:
    tracker = ProcessTracker("d", "s", sightings=False)
    proc = subprocess.Popen(["sleep", "5"])
    time.sleep(0.1)
    assert len(tracker.observe({proc.pid}, {})) == 1
    ticks = _ticks(proc.pid)
    proc.kill()
    _pid, status = os.waitpid(proc.pid, 0)
    proc.returncode = -9
    (gone,) = tracker.observe(set(), {proc.pid: status})
    late = _info(proc.pid, "sleep", "5", ticks=ticks)
    assert tracker.sighted([Sighting(late, status)]) == []
    assert gone.phase == "exit"


def _ticks(pid: int) -> int:
    ticks = start_ticks(pid)
    assert ticks is not None
    return ticks
