"""The process events connector sees every process of a followed tree, however short-lived."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from watchkeeper.supervise._proc_connector import ProcWatch, Sighting


@pytest.fixture
def parent() -> Iterator[subprocess.Popen[str]]:
    """A shell that runs each line it reads, so the tree's root is not the test process."""
    proc = subprocess.Popen(["/bin/sh"], stdin=subprocess.PIPE, text=True)
    yield proc
    if proc.stdin is not None:
        proc.stdin.close()
    proc.wait(timeout=10)


def _run(shell: subprocess.Popen[str], line: str) -> None:
    assert shell.stdin is not None
    shell.stdin.write(line + "\n")
    shell.stdin.flush()


def _collect(watch: ProcWatch, until: str, timeout: float = 10.0) -> list[Sighting]:
    seen: list[Sighting] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.extend(watch.drain())
        if any(until in " ".join(s.info.argv) for s in seen):
            return seen
        time.sleep(0.01)
    return seen


def test_a_process_shorter_than_the_poll_interval_is_seen_with_its_argv_and_status(
    parent: subprocess.Popen[str],
) -> None:
    with ProcWatch.open() as watch:
        watch.follow(parent.pid)
        _run(parent, "/bin/sh -c 'sleep 0.015; exit 3' brief-marker")
        seen = _collect(watch, "brief-marker")
    hits = [s for s in seen if "brief-marker" in s.info.argv]
    assert hits, [s.info.argv for s in seen]
    assert hits[-1].status is not None
    assert os.waitstatus_to_exitcode(hits[-1].status) == 3
    assert hits[-1].info.ppid == parent.pid


def test_a_process_gone_before_it_could_be_read_is_still_counted(
    parent: subprocess.Popen[str],
) -> None:
    with ProcWatch.open() as watch:
        watch.follow(parent.pid)
        _run(parent, "/bin/true; /bin/sh -c 'sleep 0.05' end-marker")
        seen = _collect(watch, "end-marker")
    children = [s for s in seen if s.info.ppid == parent.pid]
    assert len(children) >= 2, [s.info for s in seen]
    assert all(s.status is not None for s in children)


def test_double_fork_setsid_and_a_renamed_argv0_stay_in_the_tree(
    parent: subprocess.Popen[str],
) -> None:
    with ProcWatch.open() as watch:
        watch.follow(parent.pid)
        _run(parent, "( setsid bash -c 'exec -a innocent-name sleep 0.02' & ) ; true")
        seen = _collect(watch, "innocent-name")
    renamed = [s for s in seen if s.info.argv[:1] == ("innocent-name",)]
    assert renamed, [s.info.argv for s in seen]
    assert renamed[0].info.exe is not None
    assert renamed[0].info.exe.endswith("sleep")


def test_processes_outside_the_followed_tree_are_not_reported(
    parent: subprocess.Popen[str],
) -> None:
    with ProcWatch.open() as watch:
        watch.follow(parent.pid)
        subprocess.run(["/bin/sh", "-c", "sleep 0.05", "outsider-marker"], check=True)
        _run(parent, "/bin/sh -c 'sleep 0.05' insider-marker")
        seen = _collect(watch, "insider-marker")
    argvs = [" ".join(s.info.argv) for s in seen]
    assert any("insider-marker" in a for a in argvs)
    assert not any("outsider-marker" in a for a in argvs)


def test_in_another_network_namespace_open_says_why_it_is_unavailable() -> None:
    code = (
        "from watchkeeper.supervise._proc_connector import ProcWatch, WatchUnavailableError\n"
        "try:\n    ProcWatch.open()\nexcept WatchUnavailableError as exc:\n    print(exc)\n"
        "else:\n    print('opened')\n"
    )
    out = subprocess.run(
        ["unshare", "--net", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "initial network namespace" in out.stdout, out.stdout + out.stderr
