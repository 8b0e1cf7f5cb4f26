"""Reading process facts from /proc, with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.sweep.conftest import Spawn, sleeper, spawn
from watchkeeper.supervise import pid_alive, proc_info, read_cgroups, read_processes
from watchkeeper.supervise._procfs import is_zombie, start_ticks

__all__ = ["spawn"]


def test_reads_the_current_process() -> None:
    """This test's own pid, parent, uid, executable, working directory and argv are read."""
    info = proc_info(os.getpid())
    assert info is not None
    assert (info.pid, info.ppid, info.uid) == (os.getpid(), os.getppid(), os.getuid())
    assert info.exe == os.path.realpath(sys.executable)
    assert info.cwd == os.getcwd()
    assert info.argv == tuple(sys.orig_argv)
    assert abs(info.start_time - time.time()) < 3600


def test_start_time_is_epoch_seconds(spawn: Spawn) -> None:
    """A process started now reports a start time within seconds of now."""
    argv, exe = sleeper("sleepy")
    proc = spawn(argv, executable=exe)
    info = proc_info(proc.pid)
    assert info is not None
    assert abs(info.start_time - time.time()) < 5


def test_renamed_argv0_is_reported_as_written(spawn: Spawn) -> None:
    """`argv[0]` is what the process calls itself; `exe` is the real binary."""
    argv, exe = sleeper("vllm", "serve", "--model", "m")
    proc = spawn(argv, executable=exe)
    info = proc_info(proc.pid)
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
    info = proc_info(proc.pid, markers=True)
    assert info is not None
    assert (info.session, info.deployment) == ("s-1", "d")
    assert info.environ is not None
    assert "API_KEY" not in info.environ


def test_the_environment_is_not_read_unless_asked(spawn: Spawn) -> None:
    """Without `markers=True` no environment is read, so no marker is claimed."""
    argv, exe = sleeper("marked")
    proc = spawn(argv, executable=exe, env={"WATCHKEEPER_SESSION": "s-1"})
    info = proc_info(proc.pid)
    assert info is not None
    assert (info.environ, info.has_marker) == (None, False)


def test_vanished_process_reads_as_none() -> None:
    """A pid that exited is None, not an error."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    assert proc_info(proc.pid) is None
    assert start_ticks(proc.pid) is None


def test_scan_leaves_out_processes_that_are_gone() -> None:
    """Reading a list with an exited pid returns only the live ones."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    found = read_processes([proc.pid, os.getpid()])
    assert [p.pid for p in found] == [os.getpid()]


def test_comm_with_parentheses_and_spaces_is_parsed(spawn: Spawn) -> None:
    """A `comm` holding `) (` does not confuse the stat parser."""
    code = "import time; open('/proc/self/comm','w').write('a) b (c'); time.sleep(60)"
    proc = spawn(["odd", "-c", code], executable=sys.executable)
    deadline = time.monotonic() + 5
    info = proc_info(proc.pid)
    while info is not None and info.comm != "a) b (c" and time.monotonic() < deadline:
        time.sleep(0.01)
        info = proc_info(proc.pid)
    assert info is not None
    assert info.comm == "a) b (c"
    assert info.ppid == os.getpid()


def test_full_scan_includes_init_and_self() -> None:
    """A full scan sees pid 1 and this process."""
    pids = {p.pid for p in read_processes()}
    assert {1, os.getpid()} <= pids


def test_a_zombie_is_not_alive() -> None:
    """An exited but unreaped child is a zombie of its own start time, and not alive."""
    proc = subprocess.Popen(["true"])
    ticks = start_ticks(proc.pid)
    deadline = time.monotonic() + 5
    while pid_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert ticks is not None
        assert not pid_alive(proc.pid)
        assert is_zombie(proc.pid, ticks)
        assert not is_zombie(proc.pid, ticks + 1)
    finally:
        proc.wait()


def test_a_running_process_is_alive_and_not_a_zombie() -> None:
    """This process runs and is no zombie; pid 0 never runs."""
    ticks = start_ticks(os.getpid())
    assert ticks is not None
    assert pid_alive(os.getpid())
    assert not is_zombie(os.getpid(), ticks)
    assert not pid_alive(0)


def test_cgroups_are_read_as_lines() -> None:
    """`/proc/PID/cgroup` comes back as its non-empty lines; a gone pid as None."""
    lines = read_cgroups(os.getpid())
    assert lines
    assert all(":" in line for line in lines)
    proc = subprocess.Popen(["true"])
    proc.wait()
    assert read_cgroups(proc.pid) is None
