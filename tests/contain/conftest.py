"""Kill-switch fixtures: a supervised agent running under `watchkeeper run` in a subprocess.

Every test runs on each ledger backend, sqlite and postgresql (`tests/_backends.py`); the
agent's `watchkeeper run` inherits `$WATCHKEEPER_DB`, so it records into the same ledger.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests._backends import LedgerBackend
from tests.supervise.conftest import agent_home, deployment, home, registry
from watchkeeper.supervise import SupervisedSession, load_sessions

__all__ = ["RunAgent", "agent_home", "deployment", "home", "registry", "run_agent"]

_MAIN = "from watchkeeper.cli.main import main; main()"
RunAgent = Callable[[str], SupervisedSession]


@pytest.fixture(autouse=True)
def _on_each_backend(ledger_backend: LedgerBackend) -> LedgerBackend:
    """Every test here runs on each ledger backend, sqlite and postgresql."""
    return ledger_backend


@pytest.fixture
def run_agent(home: Path, deployment: str, agent_home: Path) -> Iterator[RunAgent]:
    """`run_agent(script)`: run `sh -c script` supervised; return its session once it runs.

    The script should `touch "$HOME/ready"` once it has set itself up.
    """
    started: list[subprocess.Popen[bytes]] = []

    def start(script: str) -> SupervisedSession:
        env = {**os.environ, "HOME": str(agent_home)}
        argv = [sys.executable, "-c", _MAIN, "run", "--home", str(home), "-d", deployment,
                "--cron-spool", str(agent_home / "cron"), "--", "sh", "-c", script]  # fmt: skip
        proc = subprocess.Popen(argv, env=env, cwd=agent_home, stderr=subprocess.PIPE)
        started.append(proc)
        deadline = time.monotonic() + 20
        while not (agent_home / "ready").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise AssertionError(f"agent did not get ready: {err}")
            time.sleep(0.02)
        (session,) = [s for s in load_sessions(home) if s.ended is None]
        return session

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()
