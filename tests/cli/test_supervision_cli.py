"""`watchkeeper run`, `kill` and `drill` from the command line."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.supervise.conftest import cleanup_deployment
from watchkeeper.deployments import open_registry

CLI = [sys.executable, "-c", "from watchkeeper.cli.main import main; main()"]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(cwd)} if cwd else None
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd, env=env
    )


@pytest.fixture
def registered(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A home with one registered deployment."""
    home = tmp_path / "wk"
    name = f"t-{secrets.token_hex(4)}"
    open_registry(home).register(name, owner="tester", purpose="cli tests", actor="tester")
    yield home, name
    cleanup_deployment(name)


def test_run_refuses_an_unknown_deployment_with_one_line(tmp_path: Path) -> None:
    """Exit 2 and a single `error:` line naming the deployment."""
    result = _cli("run", "--home", str(tmp_path), "-d", "ghost", "--", "true")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: no deployment is registered as `ghost`; register it with "
        "`watchkeeper deploy register`"
    ]


def test_run_says_which_backend_and_exits_with_the_agent_status(
    registered: tuple[Path, str], tmp_path: Path
) -> None:
    """The chosen backend is printed and the agent's exit status becomes run's."""
    home, name = registered
    result = _cli(
        "run", "--home", str(home), "-d", name, "--backend", "pgroup", "--",
        "sh", "-c", "exit 5", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert "confined by pgroup" in result.stderr


def test_kill_needs_exactly_one_target(tmp_path: Path) -> None:
    """No target is a usage error (exit 2)."""
    result = _cli("kill", "--home", str(tmp_path))
    assert result.returncode == 2
    assert "exactly one of NAME, --session ID or --all" in result.stderr


def test_kill_json_reports_containment(registered: tuple[Path, str]) -> None:
    """`kill NAME --json` prints a report that says contained and names the revocation."""
    home, name = registered
    result = _cli("kill", name, "--home", str(home), "--json", "--reason", "test")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["contained"] is True
    assert report["revoked"] == [name]
    assert report["reason"] == "test"


def test_drill_passes(tmp_path: Path) -> None:
    """`watchkeeper drill` exits 0 and says it passed with no survivors."""
    result = _cli("drill", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "drill passed" in result.stdout
    assert "survivors 0" in result.stdout


def test_run_forwards_sigterm_and_exits_with_the_agent_status(
    registered: tuple[Path, str], tmp_path: Path
) -> None:
    """SIGTERM to `watchkeeper run` reaches the agent, whose exit status run returns."""
    home, name = registered
    script = (
        'trap "touch $HOME/got-term; exit 7" TERM; touch "$HOME/ready"; '
        "while :; do sleep 0.05; done"
    )
    proc = subprocess.Popen(
        [*CLI, "run", "--home", str(home), "-d", name, "--", "sh", "-c", script],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)},
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 7
        assert (tmp_path / "got-term").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
