"""`contain` revokes, kills everything, sweeps persistence, verifies and records a report."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.contain.conftest import RunAgent
from watchkeeper.contain import ContainError, ContainmentReport, KillTarget, contain
from watchkeeper.deployments import Registry
from watchkeeper.events import DeploymentEvent
from watchkeeper.ledger import ledger_source, open_ledger
from watchkeeper.supervise import MARKER_ENV, load_sessions, marker_pids, read_cgroup_mounts

_EVASIVE = (
    'trap "" TERM; (setsid sh -c "trap \\"\\" TERM; sleep 60" &); '
    'echo "* * * * * beacon" >> "$HOME/cron/$(id -un)"; '
    'for i in 1 2 3 4 5; do sleep 60 & done; touch "$HOME/ready"; sleep 60'
)


def _contain(
    home: Path, registry: Registry, target: KillTarget, *, remove: bool = False, reason: str = ""
) -> ContainmentReport:
    with open_ledger(home) as ledger:
        return contain(home, target, registry=registry, ledger=ledger, remove=remove, reason=reason)


def test_kill_by_name_contains_the_whole_tree(
    home: Path, registry: Registry, deployment: str, agent_home: Path, run_agent: RunAgent
) -> None:
    """Every process dies, the deployment is revoked and the report says contained."""
    (agent_home / "cron").mkdir()
    session = run_agent(_EVASIVE)
    report = _contain(home, registry, KillTarget(name=deployment), reason="test")
    assert report.contained, report.lines()
    assert report.killed >= 8
    assert marker_pids(MARKER_ENV, session.session_id) == set()
    current = registry.get(deployment)
    assert current is not None
    assert current.status == "revoked"
    assert [f.category for f in report.persistence] == ["crontab"]


def test_kill_is_recorded_in_the_ledger(
    home: Path, registry: Registry, deployment: str, run_agent: RunAgent
) -> None:
    """The report is a `contained` deployment event with the time to containment."""
    run_agent('touch "$HOME/ready"; sleep 60')
    _contain(home, registry, KillTarget(name=deployment))
    events = [e for _s, e in ledger_source(home).events() if isinstance(e, DeploymentEvent)]
    (recorded,) = [e for e in events if e.action == "contained"]
    assert recorded.name == deployment
    assert recorded.detail["contained"] is True
    assert recorded.detail["time_to_containment_s"] > 0


def test_kill_session_revokes_its_token_but_not_the_deployment(
    home: Path, registry: Registry, deployment: str, run_agent: RunAgent
) -> None:
    """`--session` kills that session and its token; the deployment stays active."""
    session = run_agent('touch "$HOME/ready"; sleep 60')
    report = _contain(home, registry, KillTarget(session=session.session_id))
    assert report.contained
    assert report.revoked == [f"{session.token_prefix}…"]
    current = registry.get(deployment)
    assert current is not None
    assert current.status == "active"


def test_remove_persistence_undoes_what_was_planted(
    home: Path, registry: Registry, deployment: str, agent_home: Path, run_agent: RunAgent
) -> None:
    """With remove, the rc line the agent added is gone from the file afterwards."""
    (agent_home / ".profile").write_text("export A=1\n")
    run_agent('echo "beacon &" >> "$HOME/.profile"; touch "$HOME/ready"; sleep 60')
    report = _contain(home, registry, KillTarget(name=deployment), remove=True)
    assert [f.removed for f in report.persistence] == [True]
    assert (agent_home / ".profile").read_text() == "export A=1\n"


def test_unknown_target_is_an_error(home: Path, registry: Registry) -> None:
    """A name nobody registered or supervised is refused with a hint."""
    with pytest.raises(ContainError, match="no deployment `ghost`"):
        _contain(home, registry, KillTarget(name="ghost"))


def test_kill_all_revokes_every_deployment_and_kills_every_session(
    home: Path, registry: Registry, deployment: str, run_agent: RunAgent
) -> None:
    """`--all` revokes each registered deployment and kills the running session."""
    registry.register("t-idle-other", owner="tester", purpose="idle", actor="tester")
    session = run_agent('touch "$HOME/ready"; sleep 60')
    report = _contain(home, registry, KillTarget(everything=True))
    assert report.contained
    assert sorted(report.revoked[:2]) == sorted([deployment, "t-idle-other"])
    assert list(report.sessions) == [session.session_id]
    assert {d.status for d in registry.list()} == {"revoked"}


def test_a_process_that_left_its_cgroup_is_still_killed(
    home: Path, registry: Registry, deployment: str, run_agent: RunAgent
) -> None:
    """A child that moves itself to the root cgroup is found by its marker and killed."""
    mounts = read_cgroup_mounts()
    if mounts.v2 is None:
        pytest.skip("no cgroup v2 mount here")
    escape = f"sh -c 'echo $$ > {mounts.v2}/cgroup.procs; exec sleep 60' &"
    session = run_agent(f'{escape} sleep 0.2; touch "$HOME/ready"; sleep 60')
    escaped = marker_pids(MARKER_ENV, session.session_id)
    assert any(Path(f"/proc/{p}/cgroup").read_text().endswith("0::/\n") for p in escaped)
    report = _contain(home, registry, KillTarget(name=deployment))
    assert report.contained
    assert marker_pids(MARKER_ENV, session.session_id) == set()


def test_kill_ends_a_session_whose_supervisor_died(
    home: Path, registry: Registry, deployment: str, run_agent: RunAgent
) -> None:
    """With the supervisor gone, kill still kills the tree, ends the session, removes cgroups."""
    session = run_agent('touch "$HOME/ready"; sleep 60')
    os.kill(session.supervisor_pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while Path(f"/proc/{session.supervisor_pid}/status").exists():
        content = Path(f"/proc/{session.supervisor_pid}/status").read_text()
        if "State:\tZ" in content or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    report = _contain(home, registry, KillTarget(name=deployment))
    assert report.contained
    (ended,) = load_sessions(home)
    assert ended.ended is not None
    assert all(not Path(p).exists() for p in ended.cgroups)
