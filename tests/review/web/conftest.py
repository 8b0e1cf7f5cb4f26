"""Review UI fixtures: a real home (ledger, alerts, registry, approvals, grants) behind the real
gateway app, and a stand-in for the accounts middleware that signs a request in by header."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.requests import Request
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from watchkeeper.alerts import AlertStore
from watchkeeper.deployments import DEPLOYMENTS_FILE, DeploymentFile, Registry
from watchkeeper.events import Decision, Event, Reasoning, ToolCall, ToolResult
from watchkeeper.gateway import Pipeline, TokenStore, create_app
from watchkeeper.ledger import open_ledger
from watchkeeper.normalize import Normalizer
from watchkeeper.policy import load_policy
from watchkeeper.review import ApprovalQueue, GrantStore, PendingApproval
from watchkeeper.review.web import ReviewUI, StatusCache, install_review_ui

POLICY = """\
version: 1
default: deny
rules:
  - id: allow-echo
    decision: allow
    description: echo is harmless
    match: {command: ["echo *"]}
  - id: ask-git-push
    decision: ask
    description: pushing needs a human
    match: {command: ["git push *"]}
  - id: ask-curl
    decision: ask
    description: downloads need a human
    match: {command: ["curl *"]}
  - id: ask-edit
    decision: ask
    description: edits need a human
    match: {tool: [Edit, Write]}
  - id: deny-rm
    decision: deny
    description: rm is not allowed here
    match: {command: ["rm *"]}
"""

#: The CSRF token the stand-in session carries.
CSRF = "test-csrf-token"


@dataclass(frozen=True)
class FakeUser:
    """What the accounts middleware puts in `request.state.user`."""

    name: str
    role: str


class FakeSessions:
    """Test stand-in for the accounts middleware: `X-Test-User: NAME:ROLE` signs a request in."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            who = request.headers.get("x-test-user")
            if who:
                name, role = who.split(":")
                scope.setdefault("state", {})
                scope["state"]["user"] = FakeUser(name, role)
                scope["state"]["csrf_token"] = CSRF
        await self.app(scope, receive, send)


@dataclass
class Review:
    """Everything a review test needs."""

    home: Path
    pipeline: Pipeline
    alerts: AlertStore
    registry: Registry
    approvals: ApprovalQueue
    grants: GrantStore
    status: StatusCache
    ui: ReviewUI
    app: FastAPI

    def client(self, user: str = "rita", role: str = "reviewer") -> TestClient:
        """A client signed in as `user` with `role`."""
        client = TestClient(self.app, follow_redirects=False)
        client.headers["X-Test-User"] = f"{user}:{role}"
        return client

    def admin(self) -> TestClient:
        """A client signed in as admin `ada`."""
        return self.client("ada", "admin")

    def ask(
        self, command: str, *, session: str = "s1", deployment: str = "alpha"
    ) -> PendingApproval:
        """Decide a Bash call that asks, and hold it for review."""
        call = ToolCall(
            deployment_id=deployment,
            session_id=session,
            tool="Bash",
            args={"command": command},
            cwd="/work/repo",
        )
        verdict = self.pipeline.decide(call)
        assert verdict.decision is Decision.ASK
        return self.approvals.open(call, verdict, timeout=300)

    def call(self, tool: str, args: dict[str, object], *, session: str = "s1") -> ToolCall:
        """Decide and record a call of `tool` in `alpha`/`session`; return it."""
        call = ToolCall(
            deployment_id="alpha", session_id=session, tool=tool, args=args, cwd="/work/repo"
        )
        self.pipeline.decide(call)
        return call

    def record(self, *events: Event) -> None:
        """Append `events` to the ledger."""
        self.pipeline.record(list(events))

    def events(self, kind: str) -> list[Event]:
        """Every recorded event of `kind`."""
        return [e for _s, e in self.pipeline.store.events() if e.kind == kind]


@pytest.fixture
def review() -> Iterator[Review]:
    """A home with the test policy, deployment `alpha`, and the review UI over it."""
    with tempfile.TemporaryDirectory(prefix="wk-review-", dir="/tmp") as directory:
        home = Path(directory)
        policy_path = home / "policy.yaml"
        policy_path.write_text(POLICY)
        ledger = open_ledger(home, checkpoint_every=4)
        tokens = TokenStore(home / "tokens.json")
        with (
            Pipeline(Normalizer(), load_policy(policy_path), ledger) as pipeline,
            AlertStore(home / "alerts.db") as alerts,
        ):
            registry = Registry(DeploymentFile(home / DEPLOYMENTS_FILE), tokens, pipeline.record)
            registry.register("alpha", owner="ops", purpose="fix the build", actor="test")
            grants = GrantStore(home / "grants.json", pipeline.record)
            approvals = ApprovalQueue(pipeline.record, grants=grants)
            app = create_app(pipeline, tokens, registry=registry, alerts=alerts)
            status = StatusCache(home)
            ui = install_review_ui(
                app,
                home=home,
                record=pipeline.record,
                ledger=pipeline.store,
                alerts=alerts,
                registry=registry,
                policy_path=policy_path,
                approvals=approvals,
                grants=grants,
                status=status,
            )
            app.add_middleware(FakeSessions)
            try:
                yield Review(home, pipeline, alerts, registry, approvals, grants, status, ui, app)
            finally:
                approvals.close()
                ui.close()


def reasoning(text: str, *, session: str = "s1") -> Reasoning:
    """A reasoning block of `alpha`/`session`."""
    return Reasoning(deployment_id="alpha", session_id=session, text=text)


def output(call: ToolCall, value: object) -> ToolResult:
    """The result of `call` with output `value`."""
    return ToolResult(
        deployment_id=call.deployment_id,
        session_id=call.session_id,
        tool=call.tool,
        tool_use_id=call.tool_use_id,
        output=value,
    )
