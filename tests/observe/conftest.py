"""Observability fixtures: a real pipeline observed by metrics, and the app serving them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from watchkeeper.gateway import (
    Pipeline,
    PipelineObserver,
    TokenStore,
    build_pipeline,
    create_app,
    ensure_admin_token,
)
from watchkeeper.observe import GatewayMetrics, MetricsAccess, install_metrics

TEST_POLICY = """\
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
  - id: deny-rm
    decision: deny
    description: rm is not allowed here
    match: {command: ["rm *"]}
"""

SCRAPE_TOKEN = "wk_metrics_test-scrape-token"


@pytest.fixture
def home() -> Iterator[Path]:
    """A fresh watchkeeper home with the test policy."""
    with tempfile.TemporaryDirectory(prefix="wk-", dir="/tmp") as directory:
        path = Path(directory)
        (path / "policy.yaml").write_text(TEST_POLICY)
        yield path


def observed_pipeline(home: Path, *observers: PipelineObserver) -> Pipeline:
    """A real pipeline over `home` (policy, SQLite ledger, no monitors) told to `observers`."""
    return build_pipeline(
        home, policy_path=home / "policy.yaml", default_monitors=False, observers=observers
    )


@dataclass(frozen=True)
class Gateway:
    """The real app with metrics installed, a client, and tokens to use."""

    client: TestClient
    metrics: GatewayMetrics
    pipeline: Pipeline
    agent_token: str
    admin_token: str

    def decide(self, command: str, session: str = "s1") -> str:
        """Decide a Bash `command` as the agent and return the decision."""
        reply = self.client.post(
            "/v1/decide",
            json={"session_id": session, "tool": "Bash", "args": {"command": command}},
            headers={"Authorization": f"Bearer {self.agent_token}"},
        )
        assert reply.status_code == 200, reply.text
        return str(reply.json()["decision"])

    def scrape(self, token: str = SCRAPE_TOKEN) -> str:
        """Read `/metrics` with `token` and return the exposition text."""
        reply = self.client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert reply.status_code == 200, reply.text
        return reply.text


@pytest.fixture
def gateway(home: Path) -> Iterator[Gateway]:
    """The real gateway app over an observed pipeline, with `/metrics` installed."""
    metrics = GatewayMetrics()
    tokens = TokenStore(home / "tokens.json")
    admin = ensure_admin_token(tokens, home / "admin.token").read_text().strip()
    agent = tokens.issue("alpha")
    with observed_pipeline(home, metrics) as pipeline:
        app = create_app(pipeline, tokens)
        install_metrics(
            app, metrics, MetricsAccess(tokens, SCRAPE_TOKEN), head_seq=pipeline.head_seq
        )
        with TestClient(app) as client:
            yield Gateway(client, metrics, pipeline, agent, admin)
