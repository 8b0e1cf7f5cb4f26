"""`GatewayClient` with `review_wait` waits for a reviewer when the gateway holds an ask."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from watchkeeper.events import Decision, ToolCall
from watchkeeper.gateway import Pipeline, TokenStore, build_pipeline, create_app
from watchkeeper.integrations.sdk import GatewayClient
from watchkeeper.review import ApprovalQueue
from watchkeeper.testing import serve_in_thread

POLICY = """\
version: 1
default: deny
rules:
  - id: ask-transfer
    decision: ask
    description: moving money needs a person
    match: {tool: transfer}
"""

CALL = ToolCall(session_id="s1", tool="transfer", args={"amount": 10})


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[str, str, ApprovalQueue]]:
    """A live gateway holding asks for 30 s: its url, a token and its queue."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    pipeline: Pipeline
    with build_pipeline(tmp_path / "home", policy_path=policy, default_monitors=False) as pipeline:
        tokens = TokenStore(tmp_path / "home" / "tokens.json")
        queue = ApprovalQueue(pipeline.record)
        app = create_app(pipeline, tokens, approvals=queue, approval_timeout=30)
        with serve_in_thread(app) as url:
            yield url, tokens.issue("sdk-test"), queue
            queue.close()


def _approve_first(queue: ApprovalQueue) -> threading.Thread:
    def run() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for pending in queue.pending():
                queue.resolve(pending.id, Decision.ALLOW, reviewer="rita")
                return
            time.sleep(0.02)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_waiting_client_gets_the_reviewers_allow(
    held: tuple[str, str, ApprovalQueue],
) -> None:
    """With `review_wait`, deciding an asked call returns allow once a reviewer approves."""
    url, token, queue = held
    reviewer = _approve_first(queue)
    with GatewayClient(url, token, review_wait=30) as client:
        verdict = client.decide(CALL)
    reviewer.join()
    assert verdict.decision is Decision.ALLOW
    assert verdict.rule_ids == ("review:approve", "ask-transfer")


def test_a_client_that_does_not_wait_gets_ask(held: tuple[str, str, ApprovalQueue]) -> None:
    """Without `review_wait`, the client gets `ask` at once and the approval stays pending."""
    url, token, queue = held
    with GatewayClient(url, token) as client:
        verdict = client.decide(CALL)
    assert verdict.decision is Decision.ASK
    assert len(queue.pending()) == 1
