"""On the real gateway app: UI sessions cannot call the agent API, agent tokens cannot use
the UI, and the agent API works as before with `install_auth` in front."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from watchkeeper.accounts import SESSION_COOKIE, LoginLimiter, UserStore, WebSessions, install_auth
from watchkeeper.gateway import TokenStore, build_pipeline, create_app
from watchkeeper.ledger import ledger_source

from .conftest import sign_in

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")

POLICY = """\
version: 1
default: deny
rules:
  - id: allow-echo
    decision: allow
    description: echo is harmless
    match: {command: ["echo *"]}
"""
CALL = {"tool": "Bash", "args": {"command": "echo hi"}, "session_id": "s1"}


@pytest.fixture
def gateway(tmp_path: Path, users: UserStore) -> Iterator[tuple[TestClient, str]]:
    """The gateway app with `install_auth`, and an agent token it accepts."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    tokens = TokenStore(tmp_path / "tokens.json")
    agent_token = tokens.issue("ci-bot")
    with build_pipeline(tmp_path, policy_path=policy, default_monitors=False) as pipeline:
        app = create_app(pipeline, tokens)
        install_auth(app, users, WebSessions(), LoginLimiter(), pipeline.record)
        with TestClient(app, follow_redirects=False) as client:
            yield client, agent_token


def test_agent_token_still_decides(gateway: tuple[TestClient, str]) -> None:
    """With accounts installed, a bearer token still gets a verdict from `/v1/decide`."""
    client, token = gateway
    response = client.post("/v1/decide", json=CALL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["decision"] == "allow"


def test_session_cookie_alone_cannot_decide(gateway: tuple[TestClient, str]) -> None:
    """A signed-in reviewer's cookie (and CSRF token) gets 401 from `/v1/decide`."""
    client, _ = gateway
    assert sign_in(client).status_code == 303
    assert client.cookies.get(SESSION_COOKIE)
    response = client.post("/v1/decide", json=CALL)
    assert response.status_code == 401


def test_agent_token_cannot_open_ui_or_logout(gateway: tuple[TestClient, str]) -> None:
    """A valid agent token gets 401 on UI paths, including `/logout`."""
    client, token = gateway
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/", headers=bearer).status_code == 401
    assert client.post("/logout", headers=bearer).status_code == 401


def test_login_is_recorded_in_the_ledger(gateway: tuple[TestClient, str], tmp_path: Path) -> None:
    """A sign-in through the gateway lands in its ledger as a `login` review event."""
    from watchkeeper.events import ReviewEvent

    client, _ = gateway
    sign_in(client)
    reviews = [e for _, e in ledger_source(tmp_path).events() if isinstance(e, ReviewEvent)]
    assert [(e.action, e.reviewer) for e in reviews] == [("login", "alice")]
