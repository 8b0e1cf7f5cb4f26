"""The HTTP API over real sockets: decide, events, hooks, sessions and OpenAPI."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from watchkeeper.events import ErrorEvent, ToolResult, VerdictEvent
from watchkeeper.gateway import HookReplyLike, Pipeline, TokenStore, create_app

from .conftest import Served

_HOOKS = Path(__file__).parents[2] / ".." / "shared" / "formats" / "claude_code_hooks"


def _call(command: str, session: str = "s1") -> dict[str, Any]:
    return {"session_id": session, "tool": "Bash", "args": {"command": command}}


@pytest.mark.parametrize("uds", [False, True], ids=["tcp", "unix-socket"])
@pytest.mark.parametrize(
    ("command", "decision", "rule"),
    [
        ("echo hi", "allow", "allow-echo"),
        ("git push origin main", "ask", "ask-git-push"),
        ("rm -f notes.txt", "deny", "deny-rm"),
    ],
)
def test_decide_returns_verdict(
    served: Served, uds: bool, command: str, decision: str, rule: str
) -> None:
    """The verdict, its rule and the recorded call id come back over TCP and the socket."""
    with served.client(uds=uds) as client:
        reply = client.post("/v1/decide", json=_call(command))
    assert reply.status_code == 200
    body = reply.json()
    assert (body["decision"], body["rule_ids"]) == (decision, [rule])
    assert len(body["call_id"]) == 32


def test_events_are_recorded_with_seqs(served: Served, pipeline: Pipeline) -> None:
    """Posted events are stored under the token's deployment and their seqs returned."""
    events = [
        {"kind": "message", "session_id": "s1", "role": "user", "text": "fix the bug"},
        {"kind": "reasoning", "session_id": "s1", "text": "look at the tests first"},
    ]
    with served.client() as client:
        reply = client.post("/v1/events", json={"events": events})
    assert reply.status_code == 200
    recorded = reply.json()["recorded"]
    assert [r["seq"] for r in recorded] == [1, 2]
    stored = [event for _seq, event in pipeline.store.events()]
    assert [e.id for e in stored] == [r["id"] for r in recorded]
    assert {e.deployment_id for e in stored} == {"alpha"}


def test_clients_cannot_post_verdicts(served: Served, pipeline: Pipeline) -> None:
    """A client-made verdict event is refused: only the gateway issues verdicts."""
    forged = {"kind": "verdict", "session_id": "s1", "call_id": "x", "decision": "allow"}
    with served.client() as client:
        reply = client.post("/v1/events", json={"events": [forged]})
    assert reply.status_code == 422
    assert not any(isinstance(e, VerdictEvent) for _s, e in pipeline.store.events())


def test_clients_cannot_post_key_rotations(served: Served, pipeline: Pipeline) -> None:
    """A client-made key-rotation record is refused with 422; only the refusal is recorded."""
    forged = {"kind": "lifecycle", "session_id": "s1", "phase": "key-rotation", "detail": {}}
    with served.client() as client:
        reply = client.post("/v1/events", json={"events": [forged]})
    assert reply.status_code == 422
    assert "rotate-key" in reply.json()["error"]
    assert [e.kind for _s, e in pipeline.store.events()] == ["error"]


def test_untrusted_result_posted_over_http_tightens_policy(served: Served) -> None:
    """A WebFetch result posted to /v1/events makes the next call in that session denied."""
    result = {"kind": "tool_result", "session_id": "s1", "tool": "WebFetch", "output": "page"}
    with served.client() as client:
        assert client.post("/v1/decide", json=_call("echo 1")).json()["decision"] == "allow"
        assert client.post("/v1/events", json={"events": [result]}).status_code == 200
        after = client.post("/v1/decide", json=_call("echo 2")).json()
    assert (after["decision"], after["rule_ids"]) == ("deny", ["deny-after-untrusted"])


def test_sessions_are_summarised_per_deployment(served: Served, tokens: TokenStore) -> None:
    """A token sees its own deployment's sessions with counts; admin sees every one."""
    beta = tokens.issue("beta")
    with served.client() as alpha_client, served.client(beta) as beta_client:
        alpha_client.post("/v1/decide", json=_call("echo hi", "a1"))
        alpha_client.post("/v1/decide", json=_call("rm -f x", "a1"))
        beta_client.post("/v1/decide", json=_call("echo hi", "b1"))
        [summary] = alpha_client.get("/v1/sessions").json()["sessions"]
        beta_ids = [s["session_id"] for s in beta_client.get("/v1/sessions").json()["sessions"]]
    with served.client(served.admin_token) as admin:
        every = {s["session_id"] for s in admin.get("/v1/sessions").json()["sessions"]}
    assert summary["session_id"] == "a1"
    assert summary["deployment_id"] == "alpha"
    assert summary["counts"] == {"tool_call": 2, "verdict": 2}
    assert summary["denied"] == 1
    assert beta_ids == ["b1"]
    assert every == {"a1", "b1"}


def test_session_events_are_paged(served: Served) -> None:
    """Session events come back in order, a page at a time, until the last page."""
    with served.client() as client:
        for n in range(3):
            client.post("/v1/decide", json=_call(f"echo {n}"))
        first = client.get("/v1/sessions/s1/events", params={"limit": 4}).json()
        second = client.get(
            "/v1/sessions/s1/events", params={"limit": 4, "after_seq": first["next_after_seq"]}
        ).json()
    kinds = [entry["event"]["kind"] for entry in first["events"] + second["events"]]
    assert kinds == ["tool_call", "verdict"] * 3
    assert first["next_after_seq"] == 4
    assert second["next_after_seq"] is None


def test_other_deployments_session_events_are_hidden(served: Served, tokens: TokenStore) -> None:
    """A token cannot read another deployment's session events."""
    with served.client() as client:
        client.post("/v1/decide", json=_call("echo secret", "private"))
    with served.client(tokens.issue("beta")) as intruder:
        page = intruder.get("/v1/sessions/private/events").json()
    assert page["events"] == []


def test_bad_paging_parameter_is_422(served: Served) -> None:
    """A limit outside 1..1000 is refused with a one-line error."""
    with served.client() as client:
        reply = client.get("/v1/sessions/s1/events", params={"limit": 0})
    assert reply.status_code == 422
    assert "`query.limit`" in reply.json()["error"]


def test_openapi_documents_bodies_and_auth(served: Served) -> None:
    """The OpenAPI document lists every endpoint with its request schema and bearer auth."""
    with served.client() as client:
        spec = json.loads(client.get("/openapi.json").text)
    assert set(spec["paths"]) >= {
        "/v1/decide",
        "/v1/events",
        "/v1/hooks/claude-code",
        "/v1/sessions",
        "/v1/sessions/{session_id}/events",
        "/v1/health",
    }
    decide = spec["paths"]["/v1/decide"]["post"]
    body = decide["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["session_id", "tool"]
    assert decide["security"] == [{"HTTPBearer": []}]
    assert "401" in decide["responses"]


def test_openapi_documents_bearer_auth_of_every_write_route(served: Served) -> None:
    """The recording routes declare the bearer scheme, and the scheme itself is described."""
    with served.client() as client:
        spec = json.loads(client.get("/openapi.json").text)
    for path in ("/v1/decide", "/v1/events", "/v1/hooks/claude-code"):
        assert spec["paths"][path]["post"]["security"] == [{"HTTPBearer": []}], path
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def _hook_payload(name: str) -> dict[str, Any]:
    payloads: list[dict[str, Any]] = json.loads((_HOOKS / "quantstats" / name).read_text())
    return payloads[0]


def test_claude_code_pre_tool_use_gets_permission_decision(
    served: Served, pipeline: Pipeline
) -> None:
    """A real PreToolUse payload is decided and answered with a permission decision."""
    payload = _hook_payload("pre_tool_use.json")
    payload["tool_name"] = "Bash"
    payload["tool_input"] = {"command": "rm -f build.log"}
    with served.client() as client:
        reply = client.post("/v1/hooks/claude-code", json={"payload": payload})
    assert reply.status_code == 200
    body = reply.json()
    output = body["stdout"]["hookSpecificOutput"]
    assert (output["hookEventName"], output["permissionDecision"]) == ("PreToolUse", "deny")
    assert body["exit_code"] == 0
    verdicts = [e for _s, e in pipeline.store.events() if isinstance(e, VerdictEvent)]
    assert [v.rule_ids for v in verdicts] == [("deny-rm",)]


def test_claude_code_post_tool_use_is_recorded(served: Served, pipeline: Pipeline) -> None:
    """A real PostToolUse payload is recorded as a tool result and prints nothing."""
    payload = _hook_payload("post_tool_use.json")
    with served.client() as client:
        reply = client.post("/v1/hooks/claude-code", json={"payload": payload})
    assert reply.json() == {"stdout": None, "exit_code": 0}
    results = [e for _s, e in pipeline.store.events() if isinstance(e, ToolResult)]
    assert [r.session_id for r in results] == [payload["session_id"]]
    assert {r.deployment_id for r in results} == {"alpha"}


def test_malformed_hook_request_fails_closed(served: Served, pipeline: Pipeline) -> None:
    """A hook request that is not the expected shape gets a deny for PreToolUse."""
    payload = _hook_payload("pre_tool_use.json")
    with served.client() as client:
        reply = client.post("/v1/hooks/claude-code", json={"payload": payload, "extra": 1})
    assert reply.status_code == 400
    output = reply.json()["stdout"]["hookSpecificOutput"]
    assert output["permissionDecision"] == "deny"
    assert [e.kind for _s, e in pipeline.store.events()] == ["error"]


class _BrokenHookHandler:
    """A hook handler that fails the way a bug in the adapter would."""

    def handle(
        self, payload: Mapping[str, Any], transcript_lines: Sequence[str], *, deployment_id: str
    ) -> HookReplyLike:
        raise RuntimeError("adapter bug")


def test_failing_hook_handler_fails_closed(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """If the hook handler raises, PreToolUse is denied (500) and the failure recorded."""
    served = serve_app(create_app(pipeline, tokens, claude_code=_BrokenHookHandler()))
    with served.client() as client:
        reply = client.post(
            "/v1/hooks/claude-code", json={"payload": _hook_payload("pre_tool_use.json")}
        )
    assert reply.status_code == 500
    assert reply.json()["stdout"]["hookSpecificOutput"]["permissionDecision"] == "deny"
    [error] = [e for _s, e in pipeline.store.events() if isinstance(e, ErrorEvent)]
    assert "adapter bug" in error.message
