"""`ProcessTracker` turns member sets into start, exec and exit events."""

from __future__ import annotations

import os
import subprocess
import time

from watchkeeper.supervise import ProcessTracker


def test_start_exec_and_exit_with_status() -> None:
    """A new pid is a start; a changed command line is another start; a reaped pid an exit."""
    tracker = ProcessTracker("d", "s")
    proc = subprocess.Popen(["sh", "-c", "read _; exec sleep 5"], stdin=subprocess.PIPE)
    try:
        time.sleep(0.1)
        (start,) = tracker.observe({proc.pid}, {})
        assert (start.phase, start.argv[0]) == ("start", "sh")
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        time.sleep(0.1)
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
