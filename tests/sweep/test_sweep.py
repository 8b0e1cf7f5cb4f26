"""Whole sweeps over real processes, a real registry, supervision state and a real ledger
(a SQLite file and a PostgreSQL schema in turn)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests._backends import LedgerBackend, tamper
from tests.sweep.conftest import Spawn, exec_event, sleeper, write_session
from watchkeeper.alerts import AlertStore
from watchkeeper.clock import utcnow
from watchkeeper.deployments import open_registry
from watchkeeper.events import AlertEvent, Decision, ToolCall, VerdictEvent
from watchkeeper.ledger import ledger_source, open_ledger
from watchkeeper.sweep import (
    LEDGER_GAP,
    MONITORING_GAP,
    ROGUE_DEPLOYMENT,
    UNMONITORED_EXECUTION,
    SweepConfig,
    Sweeper,
    SweepReport,
)


class Env:
    """A home with deployment `builder` (active) and `gone` (revoked), and a sweeper over it."""

    def __init__(self, home: Path) -> None:
        self.home = home
        registry = open_registry(home)
        registry.register("builder", owner="ops", purpose="builds", actor="test")
        registry.register("gone", owner="ops", purpose="old", actor="test")
        registry.revoke("gone", actor="test", reason="retired")
        self.ledger = open_ledger(home)
        self.alerts = AlertStore(home / "alerts.db")
        self.sweeper = Sweeper(
            home, config=SweepConfig(), record=self.ledger.append, alerts=self.alerts
        )

    def run(self, *pids: int, coverage: str | None = None) -> SweepReport:
        return self.sweeper.run(pids=list(pids), coverage_session=coverage)

    def alert_events(self) -> list[AlertEvent]:
        events = ledger_source(self.home).events()
        return [e for _, e in events if isinstance(e, AlertEvent)]

    def close(self) -> None:
        self.ledger.close()
        self.alerts.close()


@pytest.fixture
def env(tmp_path: Path, ledger_backend: LedgerBackend) -> Iterator[Env]:
    del ledger_backend  # the sweeper and `open_ledger` find it through the environment
    env = Env(tmp_path)
    yield env
    env.close()


def marker(session: str, deployment: str) -> dict[str, str]:
    return {"WATCHKEEPER_SESSION": session, "WATCHKEEPER_DEPLOYMENT": deployment}


def test_renamed_model_server_without_marker_is_a_candidate(env: Env, spawn: Spawn) -> None:
    """A python calling itself `vllm serve` and carrying no marker is flagged, with evidence."""
    argv, exe = sleeper("vllm", "serve", "--model", "m")
    proc = spawn(argv, executable=exe)
    report = env.run(proc.pid)
    assert [c.process.pid for c in report.candidates] == [proc.pid]
    finding = report.findings[0]
    assert finding.category == ROGUE_DEPLOYMENT
    evidence = json.loads(finding.evidence[0])
    assert evidence["pid"] == proc.pid
    assert evidence["argv"][0] == "vllm"
    assert evidence["uid"] == os.getuid()
    assert evidence["exe"] == os.path.realpath(sys.executable)
    assert evidence["renamed"] is True
    assert [a.category for a in env.alerts.list()] == [ROGUE_DEPLOYMENT]
    assert [a.category for a in env.alert_events()] == [ROGUE_DEPLOYMENT]


def test_marker_of_a_live_supervised_session_is_fine(env: Env, spawn: Spawn) -> None:
    """An agent in a supervised session of an active deployment is not flagged."""
    argv, exe = sleeper("vllm", "serve")
    proc = spawn(argv, executable=exe, env=marker("s-ok", "builder"))
    write_session(env.home, "s-ok", "builder", root_pid=proc.pid)
    report = env.run(proc.pid)
    assert [(c.process.pid, c.authorised) for c in report.checks] == [(proc.pid, True)]
    assert report.clean


def test_marker_of_a_revoked_deployment_is_flagged(env: Env, spawn: Spawn) -> None:
    """A supervised session of a revoked deployment is a rogue deployment candidate."""
    argv, exe = sleeper("vllm", "serve")
    proc = spawn(argv, executable=exe, env=marker("s-old", "gone"))
    write_session(env.home, "s-old", "gone", root_pid=proc.pid)
    report = env.run(proc.pid)
    assert [c.reason for c in report.candidates] == ["deployment `gone` is revoked"]
    assert report.findings[0].deployment_id == "gone"
    assert report.findings[0].session_id == "s-old"


def test_process_outliving_its_session_is_an_escape(env: Env, spawn: Spawn) -> None:
    """A marked process whose session has ended escaped the kill."""
    argv, exe = sleeper("worker")
    proc = spawn(argv, executable=exe, env=marker("s-done", "builder"))
    write_session(env.home, "s-done", "builder", root_pid=proc.pid, ended=utcnow())
    report = env.run(proc.pid)
    assert "outlived session `s-done`" in report.candidates[0].reason


def test_marker_of_an_unknown_session_is_flagged(env: Env, spawn: Spawn) -> None:
    """A marker naming no supervised session here is not trusted."""
    argv, exe = sleeper("worker")
    proc = spawn(argv, executable=exe, env=marker("s-forged", "builder"))
    report = env.run(proc.pid)
    assert "not supervised here" in report.candidates[0].reason


def test_session_whose_supervisor_died_is_unsupervised(env: Env, spawn: Spawn) -> None:
    """A session without its supervisor process is no longer supervised."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    argv, exe = sleeper("worker")
    proc = spawn(argv, executable=exe, env=marker("s-orphan", "builder"))
    write_session(env.home, "s-orphan", "builder", root_pid=proc.pid, supervisor_pid=dead.pid)
    report = env.run(proc.pid)
    assert f"(pid {dead.pid}) is gone" in report.candidates[0].reason


def test_process_outside_its_session_cgroup_escaped(env: Env, spawn: Spawn) -> None:
    """A marked process not in its session's cgroup has escaped containment."""
    argv, exe = sleeper("worker")
    proc = spawn(argv, executable=exe, env=marker("s-cg", "builder"))
    write_session(
        env.home,
        "s-cg",
        "builder",
        root_pid=proc.pid,
        backend="cgroup2",
        cgroups=["/sys/fs/cgroup/watchkeeper/builder/s-cg"],
    )
    report = env.run(proc.pid)
    assert "escaped the cgroup" in report.candidates[0].reason


def test_hard_negatives_are_not_flagged(env: Env, spawn: Spawn, tmp_path: Path) -> None:
    """Docs viewers, grep, an editor on ollama.md and watchkeeper itself are left alone."""
    script = tmp_path / "watchkeeper"
    script.write_text("import time\ntime.sleep(60)\n")
    docs, exe = sleeper("claude-docs", "serve")
    editor, _ = sleeper("vim", "ollama.md")
    pids = [
        spawn(docs, executable=exe).pid,
        spawn(["grep", "vllm"]).pid,
        spawn(editor, executable=exe).pid,
        spawn([sys.executable, str(script), "run", "--", "vllm", "serve"]).pid,
        os.getpid(),
    ]
    report = env.run(*pids)
    assert report.checks == ()
    assert report.clean


def test_stale_heartbeat_is_a_monitoring_gap(env: Env) -> None:
    """A running session silent for more than 3 intervals raises a monitoring gap."""
    write_session(
        env.home, "s-quiet", "builder", root_pid=1, last_heartbeat=utcnow() - timedelta(seconds=16)
    )
    write_session(env.home, "s-fine", "builder", root_pid=1, last_heartbeat=utcnow())
    report = env.run()
    gaps = [(f.category, f.session_id) for f in report.findings]
    assert gaps == [(MONITORING_GAP, "s-quiet")]


def test_deleted_ledger_record_is_a_ledger_gap(env: Env) -> None:
    """A record deleted from the ledger raises a ledger-gap alert."""
    tamper(env.home, "DELETE FROM records WHERE seq = ?", 2)
    report = env.run()
    assert [f.category for f in report.findings] == [LEDGER_GAP]
    assert report.findings[0].detail["first_bad_seq"] == 2


def test_rerunning_does_not_duplicate_open_alerts(env: Env, spawn: Spawn) -> None:
    """A second sweep folds its findings into the open alerts: one alert, one ledger event."""
    argv, exe = sleeper("llama-server", "-m", "q.gguf")
    proc = spawn(argv, executable=exe)
    first = env.run(proc.pid)
    second = env.run(proc.pid)
    assert [r.new for r in first.raised] == [True]
    assert [r.new for r in second.raised] == [False]
    alerts = env.alerts.list()
    assert [(a.category, a.count) for a in alerts] == [(ROGUE_DEPLOYMENT, 2)]
    assert len(env.alert_events()) == 1


def test_unmonitored_execution_is_alerted_once(env: Env) -> None:
    """An exec with no decided call raises one alert; the next sweep does not repeat it."""
    start = utcnow() - timedelta(seconds=30)
    write_session(env.home, "s-cov", "builder", root_pid=500, started=start)
    call = ToolCall(
        deployment_id="builder", session_id="a", tool="Bash", args={"command": "ls"}, ts=start
    )
    env.ledger.append(
        [
            call,
            VerdictEvent(
                deployment_id="builder", session_id="a", call_id=call.id, decision=Decision.ALLOW
            ),
            *(
                exec_event("s-cov", "builder", pid, argv, start + timedelta(seconds=1))
                for pid, argv in ((500, ("claude",)), (501, ("ls",)), (502, ("curl", "x.sh")))
            ),
        ]
    )
    first = env.run(coverage="s-cov")
    second = env.run(coverage="s-cov")
    assert [f.category for f in first.findings] == [UNMONITORED_EXECUTION]
    assert first.coverage[0].coverage == pytest.approx(2 / 3)
    assert second.findings == ()
    assert [e.category for e in env.alert_events()] == [UNMONITORED_EXECUTION]


def test_process_inside_its_real_cgroup_is_fine(env: Env, spawn: Spawn) -> None:
    """A marked process that is in its session's (v1 freezer) cgroup is supervised."""
    freezer = Path("/sys/fs/cgroup/freezer")
    if not (freezer / "cgroup.procs").exists() or os.geteuid() != 0:
        pytest.skip("needs root and a cgroup v1 freezer hierarchy")
    group = freezer / "watchkeeper" / "builder" / f"s-in-{os.getpid()}"
    group.mkdir(parents=True, exist_ok=True)
    argv, exe = sleeper("worker")
    proc = spawn(argv, executable=exe, env=marker(group.name, "builder"))
    try:
        (group / "cgroup.procs").write_text(str(proc.pid))
        write_session(
            env.home,
            group.name,
            "builder",
            root_pid=proc.pid,
            backend="cgroup1",
            cgroups=[str(group)],
        )
        report = env.run(proc.pid)
    finally:
        proc.kill()
        proc.wait()
        group.rmdir()
        with contextlib.suppress(OSError):  # other sessions of `builder` may still be there
            group.parent.rmdir()
    assert [c.authorised for c in report.checks] == [True]


def test_escapees_of_one_session_are_one_finding(env: Env, spawn: Spawn) -> None:
    """Every process left behind by a session is evidence on that session's one alert."""
    argv, exe = sleeper("worker")
    pids = [spawn(argv, executable=exe, env=marker("s-left", "builder")).pid for _ in range(3)]
    write_session(env.home, "s-left", "builder", root_pid=pids[0], ended=utcnow())
    report = env.run(*pids)
    assert len(report.candidates) == 3
    assert [f.session_id for f in report.findings] == ["s-left"]
    assert sorted(json.loads(e)["pid"] for e in report.findings[0].evidence) == sorted(pids)
    assert [a.count for a in env.alerts.list()] == [1]
