"""`assess_events` and `assess_home`: deployments, drills, periods and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests._backends import LedgerBackend
from watchkeeper.assess import assess_events, assess_home
from watchkeeper.cli._app import build_app
from watchkeeper.clock import utcnow
from watchkeeper.events import DeploymentEvent, Event, ToolCall
from watchkeeper.gateway import DEFAULT_POLICY
from watchkeeper.policy import Policy, parse_policy

from ..report._seed import ALPHA, BETA, DRILL, seed_home

T0 = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = {"start": T0 - timedelta(days=1), "end": T0 + timedelta(days=1)}


def _policy(_: str) -> Policy:
    return parse_policy(DEFAULT_POLICY)


def _call(name: str) -> ToolCall:
    return ToolCall(deployment_id=name, session_id="s", ts=T0, tool="Bash", args={"command": "ls"})


def _contained(name: str, ok: bool) -> DeploymentEvent:
    detail = {"contained": ok, "time_to_containment_s": 1.0}
    return DeploymentEvent(
        deployment_id=name, session_id="kill", ts=T0, action="contained", name=name, detail=detail
    )


def test_drills_count_for_deployments_without_their_own_containment() -> None:
    """A drill's success stands for every deployment with no containment of its own."""
    events: list[Event] = [
        _call("a"),
        _call("b"),
        _contained("drill-1", True),
        _contained("b", False),
    ]
    found = {d.deployment: d for d in assess_events(events, _policy, **WINDOW).deployments}
    assert sorted(found) == ["a", "b"]
    assert found["a"].opportunity.reasons[-1].text.startswith("last containment succeeded")
    assert found["b"].opportunity.reasons[-1].text.startswith("last containment FAILED")


def test_only_assesses_one_deployment() -> None:
    """`only` keeps one deployment."""
    result = assess_events([_call("a"), _call("b")], _policy, only="b", **WINDOW)
    assert [d.deployment for d in result.deployments] == ["b"]


@pytest.fixture
def home(tmp_path: Path, ledger_backend: LedgerBackend) -> Path:
    """A home seeded with activity ending now, on each ledger backend."""
    seeded = tmp_path / "home"
    seeded.mkdir()
    seed_home(seeded, utcnow() - timedelta(seconds=1))
    return seeded


def test_assess_home_rates_the_seeded_deployments(home: Path) -> None:
    """The seeded deployments are assessed from the home's ledger; drills are not listed."""
    result = assess_home(home, period=timedelta(days=30))
    found = {d.deployment: d for d in result.deployments}
    assert sorted(found) == [ALPHA, BETA]
    assert DRILL not in found
    assert (found[ALPHA].tool_calls, found[ALPHA].sessions) == (10, 4)
    assert found[ALPHA].means.rating.value == "high"  # a kubectl call


def test_assess_home_period_excludes_older_events(home: Path) -> None:
    """A one-hour period leaves out the seeded days of activity."""
    result = assess_home(home, period=timedelta(hours=1))
    assert all(d.tool_calls == 0 for d in result.deployments)


def test_assess_cli_prints_json(home: Path) -> None:
    """`watchkeeper assess --json` prints one document with every deployment and bottom line."""
    args = ["assess", "--home", str(home), "--json", "--period", "30d"]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    found = {d["deployment"]: d for d in document["deployments"]}
    assert sorted(found) == [ALPHA, BETA]
    assert found[ALPHA]["opportunity"]["rating"] == "high"  # bypassed permissions
    assert found[BETA]["robust_rogue"]["answer"] is False


def test_assess_cli_one_deployment(home: Path) -> None:
    """`--deployment` assesses only the named deployment."""
    args = ["assess", "--home", str(home), "--json", "--deployment", BETA]
    document = json.loads(CliRunner().invoke(build_app(), args).output)
    assert [d["deployment"] for d in document["deployments"]] == [BETA]
