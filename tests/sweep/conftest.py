"""Real processes and supervision state for sweep tests; every process started is killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from watchkeeper.clock import utcnow
from watchkeeper.events import ProcessEvent
from watchkeeper.supervise import Backend, SupervisedSession, save_session

Spawn = Callable[..., subprocess.Popen[bytes]]


def _wait_exec(proc: subprocess.Popen[bytes], first: str) -> None:
    """Wait until the child has exec'd (its cmdline starts with `first`)."""
    deadline = time.monotonic() + 5
    path = Path(f"/proc/{proc.pid}/cmdline")
    while time.monotonic() < deadline:
        try:
            if path.read_bytes().split(b"\0")[0].decode() == first:
                return
        except OSError:
            pass
        time.sleep(0.01)
    raise AssertionError(f"process {proc.pid} did not exec `{first}`")


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start a real process: `spawn(argv, executable=None, env=None)`; all are killed after."""
    started: list[subprocess.Popen[bytes]] = []

    def start(
        argv: Sequence[str],
        *,
        executable: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[bytes]:
        full = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
        full.update(env or {})
        proc = subprocess.Popen(
            list(argv),
            executable=executable,
            env=full,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        _wait_exec(proc, argv[0])
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait(timeout=5)
        if proc.stdin is not None:
            proc.stdin.close()


def sleeper(argv0: str, *args: str) -> tuple[list[str], str]:
    """Argv and executable for a python that sleeps but calls itself `argv0 args…`."""
    return [argv0, "-c", "import time; time.sleep(60)", *args], sys.executable


def write_session(
    home: Path,
    session_id: str,
    deployment: str,
    *,
    root_pid: int,
    supervisor_pid: int | None = None,
    ended: datetime | None = None,
    last_heartbeat: datetime | None = None,
    interval: float = 5.0,
    started: datetime | None = None,
    backend: Backend = "pgroup",
    cgroups: Sequence[str] = (),
) -> None:
    """Write `<home>/supervision/<session_id>.json` as the supervisor does."""
    now = utcnow()
    save_session(
        home,
        SupervisedSession(
            session_id=session_id,
            deployment=deployment,
            backend=backend,
            cgroups=list(cgroups),
            root_pid=root_pid,
            supervisor_pid=supervisor_pid if supervisor_pid is not None else os.getpid(),
            started=started or now - timedelta(minutes=1),
            ended=ended,
            last_heartbeat=last_heartbeat or now,
            heartbeat_interval_s=interval,
        ),
    )


def exec_event(
    session_id: str, deployment: str, pid: int, argv: tuple[str, ...], at: datetime
) -> ProcessEvent:
    """A process start in supervised session `session_id`, as the supervisor records it
    (its parent is the agent, pid 500)."""
    return ProcessEvent(
        deployment_id=deployment,
        session_id=session_id,
        phase="start",
        pid=pid,
        ppid=500,
        argv=argv,
        ts=at,
    )
