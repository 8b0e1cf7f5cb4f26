"""Prometheus metrics counted from real decisions through the real gateway app."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from watchkeeper.events import AlertEvent, ErrorEvent, ReviewEvent, Severity, ToolCall
from watchkeeper.gateway import Pipeline
from watchkeeper.ledger import open_ledger
from watchkeeper.monitors import Finding, SessionView, Step
from watchkeeper.normalize import Normalizer
from watchkeeper.observe import GatewayMetrics
from watchkeeper.policy import Verdict, load_policy

from .conftest import Gateway, observed_pipeline

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _echo() -> ToolCall:
    return ToolCall(session_id="s1", tool="Bash", args={"command": "echo a"})


def _samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """Return `name`'s samples from exposition `text`, keyed by their sorted labels."""
    out: dict[tuple[tuple[str, str], ...], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                out[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def test_decisions_are_counted_by_decision_and_rule(gateway: Gateway) -> None:
    """Each decision is counted under its outcome and the rule that decided it."""
    assert [gateway.decide(c) for c in ("echo a", "echo b", "rm -f x", "curl x")] == [
        "allow",
        "allow",
        "deny",
        "deny",
    ]
    decisions = _samples(gateway.scrape(), "watchkeeper_decisions_total")
    assert decisions == {
        (("decision", "allow"), ("rule", "allow-echo")): 2.0,
        (("decision", "deny"), ("rule", "deny-rm")): 1.0,
        (("decision", "deny"), ("rule", "")): 1.0,
    }


def test_decision_latency_is_a_histogram_per_decision(gateway: Gateway) -> None:
    """Every answered call lands in the decision latency histogram of its decision."""
    gateway.decide("echo a")
    gateway.decide("git push origin main")
    text = gateway.scrape()
    counts = _samples(text, "watchkeeper_decision_seconds_count")
    assert counts == {(("decision", "allow"),): 1.0, (("decision", "ask"),): 1.0}
    sums = _samples(text, "watchkeeper_decision_seconds_sum")
    assert all(0 < value < 5 for value in sums.values())


def test_ledger_appends_are_timed(gateway: Gateway) -> None:
    """Each durable append of a decision is one observation of the append histogram."""
    gateway.decide("echo a")
    gateway.decide("echo b")
    appended = _samples(gateway.scrape(), "watchkeeper_ledger_append_seconds_count")
    assert appended == {(): 2.0}


def test_ledger_head_is_read_at_scrape_time(gateway: Gateway) -> None:
    """The ledger head gauge shows the newest sequence number when scraped."""
    gateway.decide("echo a")
    head = _samples(gateway.scrape(), "watchkeeper_ledger_head_seq")
    assert head == {(): float(gateway.pipeline.head_seq())}
    assert gateway.pipeline.head_seq() >= 2


def test_alerts_are_counted_by_severity(gateway: Gateway) -> None:
    """Alerts recorded through the pipeline are counted by severity and category."""
    alert = AlertEvent(
        session_id="s1",
        monitor="probing",
        category="probing",
        severity=Severity.HIGH,
        score=0.9,
    )
    gateway.pipeline.record([alert])
    alerts = _samples(gateway.scrape(), "watchkeeper_alerts_total")
    assert alerts == {(("category", "probing"), ("severity", "high")): 1.0}


def test_unknown_agent_refusals_are_counted_as_alerts_and_requests(gateway: Gateway) -> None:
    """A call with an unknown token shows as a 401 request and an unknown-agent alert."""
    reply = gateway.client.post(
        "/v1/decide",
        json={"session_id": "s1", "tool": "Bash", "args": {"command": "echo a"}},
        headers={"Authorization": "Bearer wk_not-a-real-token"},
    )
    assert reply.status_code == 401
    text = gateway.scrape()
    requests = _samples(text, "watchkeeper_http_requests_total")
    assert requests[(("method", "POST"), ("route", "/v1/decide"), ("status", "401"))] == 1.0
    alerts = _samples(text, "watchkeeper_alerts_total")
    assert alerts == {(("category", "unknown-agent"), ("severity", "high")): 1.0}


def test_monitor_failures_are_counted_by_monitor() -> None:
    """A monitor failure and a failed monitoring stage are counted under their names."""
    metrics = GatewayMetrics()
    metrics.monitor_failed("probing")
    metrics.monitor_failed("probing")
    failed_stage = ErrorEvent(session_id="s1", where="gateway.monitor", message="boom")
    metrics.recorded([failed_stage], 0.001)
    errors = _samples(metrics.exposition().decode(), "watchkeeper_monitor_errors_total")
    assert errors == {(("monitor", "probing"),): 2.0, (("monitor", "(monitoring)"),): 1.0}


def test_each_metrics_instance_has_its_own_registry() -> None:
    """Two gateways in one process keep separate numbers."""
    first, second = GatewayMetrics(), GatewayMetrics()
    first.monitor_failed("probing")
    assert "probing" in first.exposition().decode()
    assert "probing" not in second.exposition().decode()


class _Broken:
    """An observer that fails on everything."""

    def decided(self, call: ToolCall, verdict: Verdict, seconds: float) -> None:
        raise RuntimeError("observer down")

    def recorded(self, events: Sequence[object], seconds: float) -> None:
        raise RuntimeError("observer down")

    def monitor_failed(self, monitor: str) -> None:
        raise RuntimeError("observer down")


def test_a_failing_observer_never_changes_a_verdict(home: Path) -> None:
    """Decisions and records go through unchanged when an observer raises."""
    with observed_pipeline(home, _Broken()) as pipeline:
        verdict = pipeline.decide(
            ToolCall(session_id="s1", tool="Bash", args={"command": "echo a"})
        )
        assert (verdict.decision.value, verdict.rule_ids) == ("allow", ("allow-echo",))
        assert pipeline.head_seq() == 2


class _Crashing:
    """A monitor that raises on every step."""

    name = "crashing"

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        raise RuntimeError("monitor down")


def test_a_crashing_monitor_is_counted_on_every_step(home: Path) -> None:
    """Each failure of a live monitor counts, though its alert is raised only once."""
    metrics = GatewayMetrics()
    store = open_ledger(home)
    policy = load_policy(home / "policy.yaml")
    with Pipeline(
        Normalizer(), policy, store, monitors=[_Crashing()], observers=[metrics]
    ) as pipeline:
        decisions = [pipeline.decide(_echo()).decision.value for _ in range(3)]
    assert decisions == ["ask", "ask", "ask"]  # a failed monitor forces the error decision
    text = metrics.exposition().decode()
    assert _samples(text, "watchkeeper_monitor_errors_total") == {(("monitor", "crashing"),): 3.0}
    alerts = _samples(text, "watchkeeper_alerts_total")
    assert alerts == {(("category", "monitor-error"), ("severity", "high")): 1.0}


def test_reviews_are_counted_by_action(gateway: Gateway) -> None:
    """Review actions recorded through the pipeline are counted by action."""
    review = ReviewEvent(session_id="review", action="approve", reviewer="ann")
    gateway.pipeline.record([review, review.model_copy(update={"id": "other"})])
    reviews = _samples(gateway.scrape(), "watchkeeper_reviews_total")
    assert reviews == {(("action", "approve"),): 2.0}
