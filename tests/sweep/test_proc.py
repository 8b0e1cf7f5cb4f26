"""Reading processes from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.sweep.conftest import Spawn, sleeper
from watchkeeper.sweep import ProcReader


def test_reads_the_current_process() -> None:
    """The reader reports this test's own pid, parent, uid, executable and argv."""
    info = ProcReader().read(os.getpid())
    assert info is not None
    assert (info.pid, info.ppid, info.uid) == (os.getpid(), os.getppid(), os.getuid())
    assert info.exe == os.path.realpath(sys.executable)
    assert info.argv == tuple(sys.orig_argv)
    assert abs(info.start_time - time.time()) < 3600


def test_start_time_is_epoch_seconds(spawn: Spawn) -> None:
    """A process started now reports a start time within seconds of now."""
    argv, exe = sleeper("sleepy")
    proc = spawn(argv, executable=exe)
    info = ProcReader().read(proc.pid)
    assert info is not None
    assert abs(info.start_time - time.time()) < 5


def test_renamed_argv0_is_reported_as_written(spawn: Spawn) -> None:
    """`argv[0]` is what the process calls itself; `exe` is the real binary."""
    argv, exe = sleeper("vllm", "serve", "--model", "m")
    proc = spawn(argv, executable=exe)
    info = ProcReader().read(proc.pid)
    assert info is not None
    assert info.argv[0] == "vllm"
    assert info.argv[-3:] == ("serve", "--model", "m")
    assert info.exe == os.path.realpath(sys.executable)


def test_only_watchkeeper_variables_are_kept(spawn: Spawn) -> None:
    """The marker is read from the environment; other variables (secrets) are not kept."""
    argv, exe = sleeper("marked")
    proc = spawn(
        argv,
        executable=exe,
        env={"WATCHKEEPER_SESSION": "s-1", "WATCHKEEPER_DEPLOYMENT": "d", "API_KEY": "secret"},
    )
    info = ProcReader().read(proc.pid)
    assert info is not None
    assert (info.session, info.deployment) == ("s-1", "d")
    assert info.environ is not None
    assert "API_KEY" not in info.environ


def test_vanished_process_reads_as_none() -> None:
    """A pid that exited is None, not an error."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    assert ProcReader().read(proc.pid) is None


def test_scan_leaves_out_processes_that_are_gone() -> None:
    """Scanning a list with an exited pid returns only the live ones."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    found = ProcReader().scan([proc.pid, os.getpid()])
    assert [p.pid for p in found] == [os.getpid()]


def test_comm_with_parentheses_and_spaces_is_parsed(spawn: Spawn) -> None:
    """A `comm` holding `) (` does not confuse the stat parser."""
    code = "import time; open('/proc/self/comm','w').write('a) b (c'); time.sleep(60)"
    proc = spawn(["odd", "-c", code], executable=sys.executable)
    deadline = time.monotonic() + 5
    info = ProcReader().read(proc.pid)
    while info is not None and info.comm != "a) b (c" and time.monotonic() < deadline:
        time.sleep(0.01)
        info = ProcReader().read(proc.pid)
    assert info is not None
    assert info.comm == "a) b (c"
    assert info.ppid == os.getpid()


def test_full_scan_includes_init_and_self() -> None:
    """A full scan sees pid 1 and this process."""
    pids = {p.pid for p in ProcReader().scan()}
    assert {1, os.getpid()} <= pids
