"""The gateway with a deployment registry: only active registered deployments are served.

Real HTTP against a real in-process server (`watchkeeper.testing.serve_in_thread`); the
registry is changed from outside the server, as the CLI does, while it runs.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
from typer.testing import CliRunner

from watchkeeper.alerts import AlertStore
from watchkeeper.cli._app import build_app
from watchkeeper.clock import utcnow
from watchkeeper.deployments import ALLOW_HOSTS_RULE, Registry, open_registry
from watchkeeper.events import AlertEvent, DeploymentEvent, ToolCall
from watchkeeper.gateway import Pipeline, create_app, ensure_admin_token
from watchkeeper.ledger import ledger_source, load_public_key
from watchkeeper.testing import serve_in_thread

from .conftest import SERVE_COMMAND, ServeProcess

_ECHO = {"session_id": "s1", "tool": "Bash", "args": {"command": "echo hi"}}


@dataclass(frozen=True)
class Live:
    """A running gateway, its registry and alert store."""

    url: str
    home: Path
    registry: Registry
    alerts: AlertStore

    def decide(self, token: str | None, body: Mapping[str, object] | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.post(f"{self.url}/v1/decide", json=body or _ECHO, headers=headers)

    def register(self, name: str, **settings: Any) -> str:
        return self.registry.register(
            name,
            owner="alice",
            purpose="tests",
            actor="tester",
            **settings,
        )[1]

    def unknown_agent_alerts(self) -> list[AlertEvent]:
        return [
            e
            for _, e in ledger_source(self.home).events()
            if isinstance(e, AlertEvent) and e.category == "unknown-agent"
        ]


@pytest.fixture
def live(home: Path, pipeline: Pipeline) -> Iterator[Live]:
    """`serve`'s wiring: the test pipeline, the home's registry and alert store, real HTTP."""
    registry = open_registry(home)
    with AlertStore(home / "alerts.db") as alerts:
        app = create_app(pipeline, registry.tokens, registry=registry, alerts=alerts)
        with serve_in_thread(app) as url:
            yield Live(url, home, registry, alerts)


def test_registered_deployment_is_served(live: Live, pipeline: Pipeline) -> None:
    """A registered deployment's token decides calls, recorded under its name."""
    reply = live.decide(live.register("ci-bot"))
    assert reply.status_code == 200
    assert reply.json()["decision"] == "allow"
    calls = [e for _, e in pipeline.store.events() if isinstance(e, ToolCall)]
    assert [c.deployment_id for c in calls] == ["ci-bot"]


def test_suspend_denies_and_alerts_then_resume_allows(live: Live) -> None:
    """Suspended: 403 and an unknown-agent alert naming the deployment; resumed: served."""
    token = live.register("ci-bot")
    live.registry.suspend("ci-bot", actor="tester")
    reply = live.decide(token)
    assert reply.status_code == 403
    assert reply.json() == {"error": "deployment `ci-bot` is suspended; its calls are denied"}
    [alert] = live.unknown_agent_alerts()
    assert alert.deployment_id == "ci-bot"
    assert "suspended deployment" in alert.explanation
    [stored] = live.alerts.list()
    assert (stored.category, stored.deployment_id) == ("unknown-agent", "ci-bot")
    live.registry.resume("ci-bot", actor="tester")
    assert live.decide(token).status_code == 200


def test_revoke_from_the_cli_is_immediate(live: Live) -> None:
    """`watchkeeper deploy revoke` in another registry: the very next call is refused."""
    token = live.register("ci-bot")
    assert live.decide(token).status_code == 200
    result = CliRunner().invoke(
        build_app(), ["deploy", "revoke", "ci-bot", "--home", str(live.home)]
    )
    assert result.exit_code == 0, result.output
    reply = live.decide(token)
    assert reply.status_code == 401
    assert "unknown, expired or revoked" in reply.json()["error"]
    [alert] = live.unknown_agent_alerts()
    assert "revoked token" in alert.explanation


def test_expired_deployment_is_denied(live: Live) -> None:
    """Once its expiry passes, a deployment's token is refused."""
    token = live.register("short", expires=utcnow() + timedelta(hours=1))
    assert live.decide(token).status_code == 200
    with time_machine.travel(utcnow() + timedelta(hours=1, seconds=1)):
        assert live.decide(token).status_code == 401
    [alert] = live.unknown_agent_alerts()
    assert alert.deployment_id == "short"


def test_unknown_token_is_denied_with_one_alert(live: Live) -> None:
    """Repeated calls with a made-up token: each refused, one alert, never the token in it."""
    bogus = "wk_" + "x" * 43
    for _ in range(3):
        reply = live.decide(bogus)
        assert reply.status_code == 401
    [alert] = live.unknown_agent_alerts()
    assert (alert.deployment_id, alert.session_id) == ("unknown", "unknown-token")
    assert alert.severity.value == "high"
    assert "127.0.0.1:" in alert.explanation
    assert bogus not in alert.model_dump_json()
    assert bogus[:12] not in alert.model_dump_json()
    [stored] = live.alerts.list()
    assert bogus not in stored.explanation


def test_token_of_unregistered_deployment_is_denied(live: Live) -> None:
    """A token issued straight into the token store, for no registered deployment, is refused."""
    token = live.registry.tokens.issue("rogue")
    reply = live.decide(token)
    assert reply.status_code == 403
    assert "`rogue` is not registered" in reply.json()["error"]
    [alert] = live.unknown_agent_alerts()
    assert alert.deployment_id == "rogue"


def test_missing_token_names_the_claimed_deployment(live: Live) -> None:
    """A call without a token alerts (under `unknown`), naming the deployment it claims."""
    reply = httpx.post(
        f"{live.url}/v1/decide", json=_ECHO, headers={"X-Watchkeeper-Deployment": "ghost"}
    )
    assert reply.status_code == 401
    [alert] = live.unknown_agent_alerts()
    assert (alert.deployment_id, alert.session_id) == ("unknown", "no-token")
    assert "claiming deployment `ghost`" in alert.explanation
    assert "claimed ghost" in alert.evidence


def test_admin_token_keeps_working(live: Live, home: Path) -> None:
    """The gateway's own admin token is not a deployment and is still accepted."""
    admin = ensure_admin_token(live.registry.tokens, home / "admin.token").read_text().strip()
    assert live.decide(admin).status_code == 200
    assert live.unknown_agent_alerts() == []


def test_admin_cannot_act_for_a_suspended_deployment(live: Live, home: Path) -> None:
    """Acting for a suspended deployment is refused even with the admin token."""
    admin = ensure_admin_token(live.registry.tokens, home / "admin.token").read_text().strip()
    live.register("ci-bot")
    live.registry.suspend("ci-bot", actor="tester")
    reply = httpx.post(
        f"{live.url}/v1/decide",
        json=_ECHO,
        headers={"Authorization": f"Bearer {admin}", "X-Watchkeeper-Deployment": "ci-bot"},
    )
    assert reply.status_code == 403


def test_own_policy_applies_to_that_deployment(live: Live, home: Path) -> None:
    """A deployment registered with `--policy` is decided by it; others by the gateway's."""
    strict = home / "strict.yaml"
    strict.write_text(
        "version: 1\ndefault: deny\nrules:\n  - id: deny-echo\n    decision: deny\n"
        "    description: no echo here\n    match: {command: ['echo *']}\n"
    )
    strict_token = live.register("strict", policy=str(strict))
    easy_token = live.register("easy")
    denied = live.decide(strict_token).json()
    assert (denied["decision"], denied["rule_ids"]) == ("deny", ["deny-echo"])
    assert live.decide(easy_token).json()["decision"] == "allow"


def test_allowed_hosts_apply_to_that_deployment(live: Live) -> None:
    """A call of an `--allow-host` deployment to another host is denied by its host rule."""
    token = live.register("fetcher", allow_hosts=("pypi.org",))
    body = {**_ECHO, "args": {"command": "curl https://evil.example.com/x"}}
    reply = live.decide(token, body).json()
    assert (reply["decision"], reply["rule_ids"]) == ("deny", [ALLOW_HOSTS_RULE])


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_ledger_holds_registry_and_alert_events_and_verifies(live: Live) -> None:
    """Registry changes and refusals are all in the ledger, which verifies."""
    token = live.register("ci-bot")
    live.registry.suspend("ci-bot", actor="tester")
    live.decide(token)
    events = [e for _, e in ledger_source(live.home).events()]
    actions = [e.action for e in events if isinstance(e, DeploymentEvent)]
    assert actions == ["register", "suspend"]
    assert len(live.unknown_agent_alerts()) == 1
    key = load_public_key(live.home / "keys" / "ledger.pub")
    report = ledger_source(live.home).verify(key)
    assert report.ok, report.reason


def test_serve_process_follows_the_cli(serve_process: ServeProcess, home: Path) -> None:
    """`watchkeeper serve` (a real process) refuses unregistered tokens and sees a `deploy
    suspend` run as another process at its next request."""
    registry = open_registry(home)
    rogue = registry.tokens.issue("rogue")
    _, token = registry.register("ci-bot", owner="alice", purpose="tests", actor="tester")
    url = f"{serve_process.url}/v1/decide"
    auth = {"Authorization": f"Bearer {token}"}
    assert (
        httpx.post(url, json=_ECHO, headers={"Authorization": f"Bearer {rogue}"}).status_code == 403
    )
    assert httpx.post(url, json=_ECHO, headers=auth).status_code == 200
    suspend = [*SERVE_COMMAND[:-1], "deploy", "suspend", "ci-bot", "--home", str(home)]
    subprocess.run(suspend, check=True, capture_output=True, timeout=60)
    assert httpx.post(url, json=_ECHO, headers=auth).status_code == 403
