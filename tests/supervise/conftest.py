"""Supervision fixtures: a fresh home with a registered deployment; nothing outlives a test.

Every test's deployment has a unique name; the finalizer kills every process carrying it in
its environment and removes its cgroups under every hierarchy. Every test runs on each ledger
backend, sqlite and postgresql (`tests/_backends.py`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._backends import LedgerBackend
from watchkeeper.deployments import Registry, open_registry
from watchkeeper.ledger import open_ledger
from watchkeeper.supervise import (
    Backend,
    RunOutcome,
    RunRequest,
    Supervisor,
    available_backends,
    marker_pids,
    read_cgroup_mounts,
)

BACKENDS: list[Backend] = available_backends()


def cleanup_deployment(name: str) -> None:
    """Kill every process marked with deployment `name`; remove its cgroups."""
    for _ in range(200):
        left = marker_pids("WATCHKEEPER_DEPLOYMENT", name)
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        time.sleep(0.01)
    mounts = read_cgroup_mounts()
    roots = [mounts.v2, *mounts.v1.values()]
    for root in roots:
        if root is None:
            continue
        directory = root / "watchkeeper" / name
        if directory.exists():
            for sub, _dirs, _files in os.walk(directory, topdown=False):
                with contextlib.suppress(OSError):
                    os.rmdir(sub)


@pytest.fixture(autouse=True)
def _on_each_backend(ledger_backend: LedgerBackend) -> LedgerBackend:
    """Every test here runs on each ledger backend, sqlite and postgresql."""
    return ledger_backend


@pytest.fixture
def home() -> Iterator[Path]:
    """A fresh watchkeeper home."""
    with tempfile.TemporaryDirectory(prefix="wk-sup-", dir="/tmp") as directory:
        yield Path(directory)


@pytest.fixture
def agent_home() -> Iterator[Path]:
    """A HOME for the agent, so nothing it writes touches the real one."""
    directory = Path(tempfile.mkdtemp(prefix="wk-agent-", dir="/tmp"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def registry(home: Path) -> Registry:
    """The registry of `home`."""
    return open_registry(home)


@pytest.fixture
def deployment(registry: Registry) -> Iterator[str]:
    """A registered, active deployment with a unique name; cleaned up afterwards."""
    name = f"t-{secrets.token_hex(4)}"
    registry.register(name, owner="tester", purpose="supervision tests", actor="tester")
    yield name
    cleanup_deployment(name)


def supervise(
    home: Path,
    registry: Registry,
    deployment: str,
    command: list[str],
    agent_home: Path,
    **options: object,
) -> RunOutcome:
    """Run `command` supervised to completion and return the outcome."""
    env = {"PATH": os.environ["PATH"], "HOME": str(agent_home)}
    request = RunRequest(
        home=home,
        deployment=deployment,
        command=tuple(command),
        cwd=agent_home,
        env=env,
        url="http://127.0.0.1:9",
        cron_spools=(str(agent_home / "cron"),),
        **options,  # type: ignore[arg-type]  # test-chosen RunRequest fields
    )
    with open_ledger(home) as ledger:
        return Supervisor(request, registry, ledger, echo=lambda _line: None).run()
