"""`watchkeeper sweep` and the periodic sweep in `watchkeeper serve`, through the command line."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests._backends import LedgerBackend
from watchkeeper.cli._app import build_app

runner = CliRunner()
CLI = [sys.executable, "-c", "from watchkeeper.cli.main import main; main()"]
SERVE = [*CLI, "serve"]


@pytest.fixture
def fake_vllm() -> Iterator[int]:
    """A real python process that calls itself `vllm serve` and carries no marker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
    proc = subprocess.Popen(
        ["vllm", "-c", "import time; time.sleep(60)", "serve", "--model", "m"],
        executable=sys.executable,
        env=env,
    )
    deadline = time.monotonic() + 5
    while not Path(f"/proc/{proc.pid}/cmdline").read_bytes().startswith(b"vllm\0"):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    yield proc.pid
    proc.kill()
    proc.wait(timeout=5)


def _sweep(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(build_app(), ["sweep", "--home", str(home), *args])
    return result.exit_code, result.output


def test_nothing_found_exits_zero(tmp_path: Path) -> None:
    """A sweep that finds nothing says so and exits 0."""
    code, output = _sweep(tmp_path, "--pid", str(os.getpid()), "--pid", "1")
    assert code == 0, output
    assert "0 rogue deployment candidates, 0 findings" in output


def test_candidate_exits_one_and_is_shown(tmp_path: Path, fake_vllm: int) -> None:
    """An unsupervised model server is listed as a candidate and the exit code is 1."""
    code, output = _sweep(tmp_path, "--pid", str(fake_vllm))
    assert code == 1, output
    assert str(fake_vllm) in output
    assert "ROGUE?" in output
    assert "1 rogue deployment candidate, 1 finding" in output


def test_json_output_carries_the_evidence(tmp_path: Path, fake_vllm: int) -> None:
    """`--json` prints one document with the process evidence and the alert it raised."""
    code, output = _sweep(tmp_path, "--pid", str(fake_vllm), "--json")
    data = json.loads(output)
    assert code == 1
    assert [p["pid"] for p in data["processes"]] == [fake_vllm]
    assert data["processes"][0]["signature"] == "vllm"
    finding = data["findings"][0]
    assert (finding["category"], finding["new"]) == ("rogue-deployment", True)
    assert finding["detail"]["processes"][0]["argv"][0] == "vllm"


def test_second_run_reports_the_alert_as_seen(tmp_path: Path, fake_vllm: int) -> None:
    """Re-running does not open a second alert."""
    _sweep(tmp_path, "--pid", str(fake_vllm))
    code, output = _sweep(tmp_path, "--pid", str(fake_vllm), "--json")
    assert code == 1
    assert json.loads(output)["findings"][0]["new"] is False
    with sqlite3.connect(tmp_path / "alerts.db") as db:
        assert db.execute("SELECT count(*), max(count) FROM alerts").fetchone() == (1, 2)


def test_coverage_of_an_unknown_session_is_a_one_line_error(tmp_path: Path) -> None:
    """Asking for the coverage of a session that is not supervised fails with exit 2."""
    code, output = _sweep(tmp_path, "--coverage", "nope", "--pid", "1")
    assert code == 2
    assert "no supervised session `nope`" in output


def test_invalid_config_is_a_one_line_error(tmp_path: Path) -> None:
    """A broken sweep.yaml stops the sweep with exit 2."""
    (tmp_path / "sweep.yaml").write_text("interval: soon\n")
    code, output = _sweep(tmp_path, "--pid", "1")
    assert code == 2
    assert output.startswith("error: `interval`")


def test_serve_sweeps_periodically(tmp_path: Path, fake_vllm: int) -> None:
    """`serve --sweep-interval` raises rogue-deployment alerts while it runs."""
    home = tmp_path / "home"
    home.mkdir()
    proc = subprocess.Popen(
        [*SERVE, "--home", str(home), "--port", "0", "--sweep-interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        found = _wait_for_alert(home, fake_vllm, timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert found, out + err
    assert "sweep:       every 0.2 s" in out
    assert proc.returncode == 0, err


def _wait_for_alert(home: Path, pid: int, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows: list[tuple[str]] = []
        if (home / "alerts.db").exists():
            with (
                sqlite3.connect(home / "alerts.db") as db,
                contextlib.suppress(
                    sqlite3.OperationalError  # the gateway has not created the table yet
                ),
            ):
                rows = db.execute(
                    "SELECT evidence FROM alerts WHERE category = 'rogue-deployment'"
                ).fetchall()
            if any(json.loads(json.loads(ev)[0])["pid"] == pid for (ev,) in rows):
                return True
        time.sleep(0.1)
    return False


def test_real_supervised_session_is_trusted_until_its_supervisor_dies(tmp_path: Path) -> None:
    """Under `watchkeeper run` an agent is fine; once the supervisor is killed it is flagged."""
    from watchkeeper.deployments import open_registry
    from watchkeeper.supervise import load_sessions, read_processes

    home = tmp_path / "home"
    home.mkdir()
    open_registry(home).register("builder", owner="ops", purpose="test", actor="test")
    script = "import time; time.sleep(60)"
    options = ["--backend", "pgroup", "--heartbeat", "0.3", "--"]
    supervisor = subprocess.Popen(
        [
            *CLI,
            "run",
            "-d",
            "builder",
            "--home",
            str(home),
            *options,
            sys.executable,
            "-c",
            script,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    agent: int | None = None
    try:
        deadline = time.monotonic() + 30
        while agent is None and time.monotonic() < deadline:
            sessions = load_sessions(home)
            marked = [
                p for p in read_processes() if sessions and p.session == sessions[0].session_id
            ]
            agent = next((p.pid for p in marked if p.argv[-1:] == (script,)), None)
            time.sleep(0.05)
        assert agent is not None, "the supervised agent did not start"
        code, output = _sweep(home, "--pid", str(agent))
        assert code == 0, output
        supervisor.kill()
        supervisor.wait(timeout=10)
        time.sleep(1.0)  # more than 3 heartbeat intervals
        code, output = _sweep(home, "--pid", str(agent), "--json")
        data = json.loads(output)
        assert code == 1
        assert "supervisor of session" in data["processes"][0]["reason"]
        assert {f["category"] for f in data["findings"]} == {"rogue-deployment", "monitoring-gap"}
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait(timeout=10)
        if agent is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(agent, signal.SIGKILL)


def test_coverage_of_one_session_is_printed(tmp_path: Path, ledger_backend: LedgerBackend) -> None:
    """`--coverage SESSION` prints the session's figure and alerts on the unmonitored exec
    (on either backend: the ledger is `$WATCHKEEPER_DB` or the home's file)."""
    from datetime import timedelta

    from tests.sweep.conftest import exec_event, write_session
    from watchkeeper.clock import utcnow
    from watchkeeper.events import Decision, ToolCall, VerdictEvent
    from watchkeeper.ledger import open_ledger

    del ledger_backend  # selected through the environment

    start = utcnow() - timedelta(seconds=30)
    write_session(tmp_path, "s-cov", "builder", root_pid=500, started=start)
    call = ToolCall(
        deployment_id="builder", session_id="a", tool="Bash", args={"command": "ls"}, ts=start
    )
    verdict = VerdictEvent(
        deployment_id="builder", session_id="a", call_id=call.id, decision=Decision.ALLOW
    )
    execs = [
        exec_event("s-cov", "builder", pid, argv, start + timedelta(seconds=1))
        for pid, argv in ((500, ("claude",)), (501, ("ls",)), (502, ("nc", "-l", "4444")))
    ]
    with open_ledger(tmp_path) as ledger:
        ledger.append([call, verdict, *execs])
    code, output = _sweep(tmp_path, "--coverage", "s-cov", "--pid", "1")
    assert code == 1
    assert "66.7%" in output
    assert "unmonitored-execution" in output
