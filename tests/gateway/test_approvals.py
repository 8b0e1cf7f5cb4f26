"""Held asks over HTTP: `/v1/decide` with and without `wait`, and the approval wait route."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from fastapi import FastAPI

from watchkeeper.events import Decision, ReviewEvent, VerdictEvent
from watchkeeper.gateway import Pipeline, TokenStore, create_app
from watchkeeper.ledger import open_ledger
from watchkeeper.review import ApprovalQueue

from .conftest import Served, ServeProcess

PUSH = {"session_id": "s1", "tool": "Bash", "args": {"command": "git push origin main"}}


def _held_app(
    pipeline: Pipeline, tokens: TokenStore, timeout: float = 30.0
) -> tuple[FastAPI, ApprovalQueue]:
    queue = ApprovalQueue(pipeline.record)
    return create_app(pipeline, tokens, approvals=queue, approval_timeout=timeout), queue


def _resolve_when_pending(
    queue: ApprovalQueue, count: int, decision: Decision, *, deadline: float = 30
) -> threading.Thread:
    """Resolve `count` approvals from another thread as they appear (the reviewer)."""

    def run() -> None:
        done = 0
        end = time.monotonic() + deadline
        while done < count and time.monotonic() < end:
            for pending in queue.pending():
                queue.resolve(pending.id, decision, reviewer="rita", reason="looks fine")
                done += 1
            time.sleep(0.01)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_decide_returns_ask_with_an_approval_id(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """Without `wait`, a held ask answers `ask` at once with the approval id to wait on."""
    app, queue = _held_app(pipeline, tokens)
    served = serve_app(app)
    with served.client() as client:
        reply = client.post("/v1/decide", json=PUSH).json()
    assert reply["decision"] == "ask"
    assert [p.id for p in queue.pending()] == [reply["approval_id"]]


def test_the_wait_route_returns_the_reviewers_answer(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """`POST /v1/approvals/ID/wait` returns allow once a reviewer approves the call."""
    app, queue = _held_app(pipeline, tokens)
    served = serve_app(app)
    with served.client() as client:
        asked = client.post("/v1/decide", json=PUSH).json()
        reviewer = _resolve_when_pending(queue, 1, Decision.ALLOW)
        reply = client.post(f"/v1/approvals/{asked['approval_id']}/wait", timeout=30)
    reviewer.join()
    assert reply.status_code == 200
    body = reply.json()
    assert (body["decision"], body["call_id"]) == ("allow", asked["call_id"])
    assert body["rule_ids"] == ["review:approve", "ask-git-push"]


def test_another_deployment_cannot_wait_on_an_approval(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """A token of another deployment gets 404 for an approval that is not its own."""
    app, _queue = _held_app(pipeline, tokens)
    served = serve_app(app)
    other = tokens.issue("beta")
    with served.client() as client:
        approval_id = client.post("/v1/decide", json=PUSH).json()["approval_id"]
    with served.client(other) as client:
        reply = client.post(f"/v1/approvals/{approval_id}/wait")
    assert reply.status_code == 404
    assert "is not known for deployment `beta`" in reply.json()["error"]


def test_decide_with_wait_returns_the_final_decision(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """With `wait: true` the decide call returns the reviewer's deny, recorded for the call."""
    app, queue = _held_app(pipeline, tokens)
    served = serve_app(app)
    reviewer = _resolve_when_pending(queue, 1, Decision.DENY)
    with served.client() as client:
        reply = client.post("/v1/decide", json={**PUSH, "wait": True}, timeout=30).json()
    reviewer.join()
    assert reply["decision"] == "deny"
    verdicts = [
        e.decision
        for _s, e in pipeline.store.events()
        if isinstance(e, VerdictEvent) and e.call_id == reply["call_id"]
    ]
    assert verdicts == [Decision.ASK, Decision.DENY]


def test_a_held_ask_times_out_as_deny(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """Nobody reviews within the timeout: `wait: true` returns deny, recorded as a timeout."""
    app, _queue = _held_app(pipeline, tokens, timeout=0.3)
    served = serve_app(app)
    with served.client() as client:
        reply = client.post("/v1/decide", json={**PUSH, "wait": True}, timeout=30).json()
    assert reply["decision"] == "deny"
    assert reply["rule_ids"] == ["review:timeout", "ask-git-push"]
    reviews = [e for _s, e in pipeline.store.events() if isinstance(e, ReviewEvent)]
    assert [(r.action, r.reviewer) for r in reviews] == [("timeout", "system")]


def test_a_zero_timeout_returns_ask_as_before(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """With an approval timeout of 0 nothing is held: `ask` comes back without an id."""
    app, queue = _held_app(pipeline, tokens, timeout=0)
    served = serve_app(app)
    with served.client() as client:
        reply = client.post("/v1/decide", json={**PUSH, "wait": True}).json()
    assert (reply["decision"], reply["approval_id"]) == ("ask", None)
    assert queue.pending() == []


def test_two_hundred_waiting_asks_are_all_answered(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> None:
    """Two hundred concurrent `wait: true` asks all get the reviewer's allow over HTTP."""
    app, queue = _held_app(pipeline, tokens)
    served = serve_app(app)
    count = 200

    async def ask_all() -> list[str]:
        limits = httpx.Limits(max_connections=count + 10)
        headers = {"Authorization": f"Bearer {served.token}"}
        async with httpx.AsyncClient(
            base_url=served.url, headers=headers, limits=limits, timeout=60
        ) as client:

            async def one(index: int) -> str:
                body = {**PUSH, "session_id": f"s{index}", "wait": True}
                reply = await client.post("/v1/decide", json=body)
                return str(reply.json()["decision"])

            return await asyncio.gather(*(one(i) for i in range(count)))

    reviewer = _resolve_when_pending(queue, count, Decision.ALLOW, deadline=60)
    decisions = asyncio.run(ask_all())
    reviewer.join()
    assert decisions == ["allow"] * count


def test_stopping_serve_denies_held_calls(
    home: Path, policy_file: Path, serve_starter: Callable[..., ServeProcess]
) -> None:
    """SIGTERM to `watchkeeper serve` denies a held call at once, recorded as a timeout."""
    started = serve_starter(home, "--policy", str(policy_file), "--approval-timeout", "600")
    headers = {"Authorization": f"Bearer {started.admin_token}"}
    replies: list[dict[str, object]] = []

    def ask() -> None:
        body = {**PUSH, "wait": True}
        reply = httpx.post(f"{started.url}/v1/decide", json=body, headers=headers, timeout=60)
        replies.append(reply.json())

    asker = threading.Thread(target=ask)
    asker.start()
    time.sleep(1.0)
    began = time.monotonic()
    started.process.send_signal(signal.SIGTERM)
    asker.join(timeout=30)
    assert time.monotonic() - began < 20
    assert started.process.wait(timeout=30) == 0
    assert [(r["decision"], r["rule_ids"]) for r in replies] == [
        ("deny", ["review:timeout", "ask-git-push"])
    ]
    with open_ledger(home) as ledger:
        reviews = [e for _s, e in ledger.events() if isinstance(e, ReviewEvent)]
    assert [(r.action, r.reviewer) for r in reviews] == [("timeout", "system")]
