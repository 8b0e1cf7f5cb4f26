"""A real hook process waits while the gateway holds its `ask` for a reviewer."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from watchkeeper.events import Decision, ReviewEvent, VerdictEvent
from watchkeeper.gateway import Pipeline, TokenStore, bind_tcp, build_pipeline, create_app
from watchkeeper.review import TIMEOUT_MESSAGE, ApprovalQueue, PendingApproval

from .conftest import base_env, hook_command, ledger_events

POLICY = """\
version: 1
default: deny
rules:
  - id: ask-git-push
    decision: ask
    description: pushing needs a person
    match: {command: ["git push *"]}
"""

#: The `watchkeeper` command, run with this interpreter.
CLI = (sys.executable, "-c", "from watchkeeper.cli.main import main; main()")

PRE = {
    "hook_event_name": "PreToolUse",
    "session_id": "held-session",
    "cwd": "/tmp",
    "permission_mode": "default",
    "tool_name": "Bash",
    "tool_input": {"command": "git push origin main"},
    "tool_use_id": "toolu_held",
}


@dataclass
class HeldGateway:
    """A gateway served in this process, so the test can act as the reviewer on its queue."""

    url: str
    token: str
    home: Path
    queue: ApprovalQueue
    pipeline: Pipeline

    def start_hook(self, **env: str) -> subprocess.Popen[bytes]:
        """Start a real `watchkeeper hook claude-code` process on the PreToolUse payload."""
        values = {"WATCHKEEPER_URL": self.url, "WATCHKEEPER_TOKEN": self.token, **env}
        process = subprocess.Popen(
            hook_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=base_env(self.home, **values),
        )
        assert process.stdin is not None
        process.stdin.write(json.dumps(PRE).encode())
        process.stdin.close()
        process.stdin = None  # written and closed; `communicate` must not flush it again
        return process

    def wait_pending(self) -> PendingApproval:
        """The first approval to appear in the queue."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pending = self.queue.pending()
            if pending:
                return pending[0]
            time.sleep(0.02)
        pytest.fail("no approval was held")


def _start(home: Path, timeout: float) -> Iterator[HeldGateway]:
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.yaml").write_text(POLICY)
    tokens = TokenStore(home / "tokens.json")
    token = tokens.issue("alpha")
    with build_pipeline(home, policy_path=home / "policy.yaml", default_monitors=False) as pipeline:
        queue = ApprovalQueue(pipeline.record)
        app = create_app(pipeline, tokens, approvals=queue, approval_timeout=timeout)
        sock = bind_tcp("127.0.0.1", 0)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        try:
            port = sock.getsockname()[1]
            yield HeldGateway(f"http://127.0.0.1:{port}", token, home, queue, pipeline)
        finally:
            queue.close()
            server.should_exit = True
            thread.join(timeout=15)
            sock.close()


@pytest.fixture
def held(tmp_path: Path) -> Iterator[HeldGateway]:
    """A gateway holding asks for up to 30 s."""
    yield from _start(tmp_path / "home", 30)


def _decision(process: subprocess.Popen[bytes]) -> dict[str, str]:
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    output: dict[str, str] = json.loads(stdout)["hookSpecificOutput"]
    return output


def test_an_approved_ask_lets_the_hook_allow(held: HeldGateway) -> None:
    """The hook waits past its 0.5 s gateway timeout, then prints allow once approved."""
    process = held.start_hook(WATCHKEEPER_TIMEOUT="0.5")
    pending = held.wait_pending()
    time.sleep(1.0)
    assert process.poll() is None
    held.queue.resolve(pending.id, Decision.ALLOW, reviewer="rita", reason="expected push")
    assert _decision(process)["permissionDecision"] == "allow"


def test_a_denied_ask_makes_the_hook_deny(held: HeldGateway) -> None:
    """The reviewer's deny reaches the hook with the reviewer's reason."""
    process = held.start_hook()
    pending = held.wait_pending()
    held.queue.resolve(pending.id, Decision.DENY, reviewer="rita", reason="not on main")
    output = _decision(process)
    assert output["permissionDecision"] == "deny"
    assert "a reviewer denied this tool call" in output["permissionDecisionReason"]


def test_review_and_final_verdict_are_in_a_verified_ledger(held: HeldGateway) -> None:
    """The review and the final allow for the call are recorded, and the ledger verifies."""
    process = held.start_hook()
    pending = held.wait_pending()
    held.queue.resolve(pending.id, Decision.ALLOW, reviewer="rita", reason="ok")
    _decision(process)
    events = ledger_events(held.home)
    reviews = [e for e in events if isinstance(e, ReviewEvent)]
    assert [(r.action, r.reviewer, r.target) for r in reviews] == [
        ("approve", "rita", f"approval:{pending.id}")
    ]
    verdicts = [e for e in events if isinstance(e, VerdictEvent) and e.call_id == pending.call.id]
    assert [(v.decision, v.rule_ids[0]) for v in verdicts] == [
        (Decision.ASK, "ask-git-push"),
        (Decision.ALLOW, "review:approve"),
    ]
    verify = subprocess.run(
        [*CLI, "ledger", "verify", "--home", str(held.home)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_an_unanswered_ask_times_out_as_deny(tmp_path: Path) -> None:
    """With nobody reviewing, the hook prints deny saying no reviewer approved in time."""
    with contextlib.contextmanager(_start)(tmp_path / "home", 1.0) as gateway:
        process = gateway.start_hook(WATCHKEEPER_TIMEOUT="0.5")
        output = _decision(process)
    assert output["permissionDecision"] == "deny"
    assert output["permissionDecisionReason"] == TIMEOUT_MESSAGE


def test_a_hook_that_may_not_wait_fails_closed(held: HeldGateway) -> None:
    """With `WATCHKEEPER_APPROVAL_TIMEOUT=0` the hook gives up after its timeout and denies."""
    process = held.start_hook(WATCHKEEPER_TIMEOUT="0.5", WATCHKEEPER_APPROVAL_TIMEOUT="0")
    output = _decision(process)
    assert output["permissionDecision"] == "deny"
    assert "no reply within 0.5 s" in output["permissionDecisionReason"]
