"""Bearer-token authentication of the HTTP API."""

from __future__ import annotations

import httpx

from watchkeeper.events import ToolCall
from watchkeeper.gateway import Pipeline, TokenStore

from .conftest import Served

_CALL = {"session_id": "s1", "tool": "Bash", "args": {"command": "echo hi"}}


def test_missing_token_is_401(served: Served) -> None:
    """A request without a bearer token is refused with a one-line JSON error."""
    reply = httpx.post(f"{served.url}/v1/decide", json=_CALL)
    assert reply.status_code == 401
    assert "missing bearer token" in reply.json()["error"]


def test_unknown_token_is_401(served: Served) -> None:
    """A token that was never issued is refused."""
    with served.client("wk_notarealtoken") as client:
        reply = client.post("/v1/decide", json=_CALL)
    assert reply.status_code == 401
    assert "unknown, expired or revoked" in reply.json()["error"]


def test_revoked_token_is_401(served: Served, tokens: TokenStore) -> None:
    """A token stops working as soon as it is revoked, without restarting the gateway."""
    with served.client() as client:
        assert client.post("/v1/decide", json=_CALL).status_code == 200
        tokens.revoke("alpha")
        assert client.post("/v1/decide", json=_CALL).status_code == 401


def test_deployment_comes_from_token(served: Served, pipeline: Pipeline) -> None:
    """The recorded call carries the token's deployment id."""
    with served.client() as client:
        call_id = client.post("/v1/decide", json=_CALL).json()["call_id"]
    [call] = [e for _s, e in pipeline.store.events() if isinstance(e, ToolCall)]
    assert (call.id, call.deployment_id) == (call_id, "alpha")


def test_deployment_in_body_is_rejected(served: Served) -> None:
    """A body that names its own deployment is refused (deny), never trusted."""
    with served.client() as client:
        reply = client.post("/v1/decide", json={**_CALL, "deployment_id": "beta"})
    assert reply.status_code == 400
    assert reply.json()["decision"] == "deny"


def test_non_admin_cannot_act_for_another_deployment(served: Served) -> None:
    """The act-for header is refused for an ordinary token."""
    with served.client() as client:
        reply = client.post("/v1/decide", json=_CALL, headers={"X-Watchkeeper-Deployment": "beta"})
    assert reply.status_code == 403


def test_admin_can_act_for_a_deployment(served: Served, pipeline: Pipeline) -> None:
    """An admin token with the act-for header records the call under that deployment."""
    with served.client(served.admin_token) as client:
        reply = client.post("/v1/decide", json=_CALL, headers={"X-Watchkeeper-Deployment": "beta"})
    assert reply.status_code == 200
    [call] = [e for _s, e in pipeline.store.events() if isinstance(e, ToolCall)]
    assert call.deployment_id == "beta"


def test_health_needs_no_token(served: Served, pipeline: Pipeline) -> None:
    """Health answers without a token and reports the ledger head."""
    with served.client() as client:
        client.post("/v1/decide", json=_CALL)
    reply = httpx.get(f"{served.url}/v1/health")
    assert reply.status_code == 200
    assert reply.json() == {
        "ok": True,
        "head_seq": pipeline.head_seq(),
        "status": "ok",
        "problems": [],
    }
    assert reply.json()["head_seq"] == 2


def test_every_write_route_refuses_a_non_bearer_scheme(served: Served) -> None:
    """The recording routes read the bearer token themselves: any other scheme is no token."""
    headers = {"Authorization": f"Basic {served.token}"}
    bodies = {
        "/v1/decide": _CALL,
        "/v1/events": {"events": []},
        "/v1/hooks/claude-code": {"payload": {"hook_event_name": "PreToolUse"}},
    }
    for path, body in bodies.items():
        reply = httpx.post(f"{served.url}{path}", json=body, headers=headers)
        assert reply.status_code == 401, path
        assert "missing bearer token" in reply.json()["error"], path
