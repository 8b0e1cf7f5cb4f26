"""`GET /metrics`: who may read it, what it serves, and the request counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from watchkeeper.events import Decision, ToolCall
from watchkeeper.gateway import TokenStore, create_app
from watchkeeper.observe import CONTENT_TYPE, GatewayMetrics, MetricsAccess, install_metrics
from watchkeeper.policy import Verdict
from watchkeeper.review import ApprovalQueue

from .conftest import SCRAPE_TOKEN, Gateway, observed_pipeline


def test_scrape_token_reads_metrics_in_text_format(gateway: Gateway) -> None:
    """The scrape token gets the Prometheus text format."""
    reply = gateway.client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == CONTENT_TYPE
    names = {family.name for family in text_string_to_metric_families(reply.text)}
    assert {"watchkeeper_decisions", "watchkeeper_decision_seconds"} <= names


def test_admin_token_reads_metrics(gateway: Gateway) -> None:
    """An admin token may scrape too."""
    assert "watchkeeper_decisions" in gateway.scrape(gateway.admin_token)


@pytest.mark.parametrize(
    ("header", "needle"),
    [
        (None, "missing bearer token"),
        ("Basic dXNlcjpwYXNz", "missing bearer token"),
        ("Bearer wk_not-a-token", "may not read metrics"),
    ],
    ids=["none", "basic", "unknown"],
)
def test_metrics_refuse_without_a_scrape_or_admin_token(
    gateway: Gateway, header: str | None, needle: str
) -> None:
    """Without the scrape token or an admin token, `/metrics` answers 401 and no numbers."""
    headers = {} if header is None else {"Authorization": header}
    reply = gateway.client.get("/metrics", headers=headers)
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == "Bearer"
    assert needle in reply.json()["error"]
    assert "watchkeeper_" not in reply.text


def test_agent_token_cannot_read_metrics(gateway: Gateway) -> None:
    """A deployment's token is not enough to read the gateway's metrics."""
    reply = gateway.client.get(
        "/metrics", headers={"Authorization": f"Bearer {gateway.agent_token}"}
    )
    assert reply.status_code == 401


def test_scrape_token_cannot_decide(gateway: Gateway) -> None:
    """The scrape token grants nothing but `/metrics`."""
    reply = gateway.client.post(
        "/v1/decide",
        json={"session_id": "s1", "tool": "Bash", "args": {"command": "echo a"}},
        headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"},
    )
    assert reply.status_code == 401


def test_requests_are_counted_by_route_template(gateway: Gateway) -> None:
    """Requests are counted under their route template, not the raw path."""
    gateway.client.get(
        "/v1/sessions/abc/events", headers={"Authorization": f"Bearer {gateway.agent_token}"}
    )
    gateway.client.get("/no/such/page")
    text = gateway.scrape()
    labels = {
        tuple(sorted(sample.labels.items()))
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "watchkeeper_http_requests_total"
    }
    assert (("method", "GET"), ("route", "(unmatched)"), ("status", "404")) in labels
    assert (
        ("method", "GET"),
        ("route", "/v1/sessions/{session_id}/events"),
        ("status", "200"),
    ) in labels
    assert not any("abc" in value for label in labels for _key, value in label)


def test_pending_approvals_are_read_from_the_approval_queue(home: Path) -> None:
    """With an approval queue on the app, the number of pending approvals is a gauge."""
    metrics = GatewayMetrics()
    tokens = TokenStore(home / "tokens.json")
    with observed_pipeline(home, metrics) as pipeline:
        queue = ApprovalQueue(pipeline.record)
        app = create_app(pipeline, tokens, approvals=queue)
        install_metrics(app, metrics, MetricsAccess(tokens, SCRAPE_TOKEN))
        ask = Verdict(Decision.ASK, ("ask-git-push",), "needs approval", "wait")
        queue.open(ToolCall(session_id="s1", tool="Bash", args={}), ask, timeout=60)
        queue.open(ToolCall(session_id="s2", tool="Bash", args={}), ask, timeout=60)
        try:
            with TestClient(app) as client:
                reply = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
        finally:
            queue.close()
    assert "watchkeeper_approvals_pending 2.0" in reply.text


def test_pending_approvals_are_absent_without_a_queue(gateway: Gateway) -> None:
    """A gateway without an approval queue does not pretend to have zero pending."""
    assert "watchkeeper_approvals_pending" not in gateway.scrape()


def test_unknown_methods_are_counted_as_other(gateway: Gateway) -> None:
    """A made-up HTTP method does not become a label value of its own."""
    gateway.client.request("BREW", "/v1/health")
    assert 'method="BREW"' not in gateway.scrape()
    assert 'method="other"' in gateway.scrape()
