"""The gateway's Prometheus metrics: counted as the pipeline works, read at scrape time.

Every metric lives in a `CollectorRegistry` the `GatewayMetrics` instance owns, never in
prometheus-client's process-wide default registry, so two gateways in one process (tests,
embedding) keep separate numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from watchkeeper.events import AlertEvent, ErrorEvent, ReviewEvent

if TYPE_CHECKING:
    from watchkeeper.events import Event, ToolCall
    from watchkeeper.policy import Verdict

__all__ = ["CONTENT_TYPE", "GatewayMetrics", "ScrapeSource"]

#: The Content-Type of the text exposition format.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: A number read when Prometheus scrapes (None: not available now, so not exposed).
ScrapeSource = Callable[[], "int | float | None"]

_log = logging.getLogger(__name__)

# Decisions take tens of microseconds to a few milliseconds (a group commit); reviews are
# not part of a decision, so nothing past a few seconds is expected.
_DECISION_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)
_MONITORING = "(monitoring)"
_MAX_CACHED = 4096


class GatewayMetrics:
    """The gateway's metrics; a `watchkeeper.gateway.PipelineObserver` that counts them.

    Pass it to the pipeline (`observers=[metrics]`) and serve `exposition()` at `/metrics`
    (`install_metrics` does). `watch(name, help, source)` adds a gauge read at scrape time
    (the ledger head, pending approvals).
    """

    def __init__(self) -> None:
        self._registry = CollectorRegistry(auto_describe=True)
        registry = self._registry
        self._decisions = Counter(
            "watchkeeper_decisions",
            "Tool calls decided, by decision and by each rule the verdict names "
            '(rule="" when the policy default or an internal error decided).',
            ["decision", "rule"],
            registry=registry,
        )
        self._decision_seconds = Histogram(
            "watchkeeper_decision_seconds",
            "Time from receiving a tool call to answering it, durable recording included.",
            ["decision"],
            buckets=_DECISION_BUCKETS,
            registry=registry,
        )
        self._append_seconds = Histogram(
            "watchkeeper_ledger_append_seconds",
            "Time from submitting events to the ledger until they are durable.",
            buckets=_DECISION_BUCKETS,
            registry=registry,
        )
        self._alerts = Counter(
            "watchkeeper_alerts",
            "Alerts recorded, by severity and category.",
            ["severity", "category"],
            registry=registry,
        )
        self._monitor_errors = Counter(
            "watchkeeper_monitor_errors",
            "Monitor failures (raised or too slow) on live steps, by monitor "
            f'("{_MONITORING}" when the monitoring stage itself failed on a tool call).',
            ["monitor"],
            registry=registry,
        )
        self._reviews = Counter(
            "watchkeeper_reviews",
            "Review actions recorded (approve, deny, timeout, grant, acknowledge…), by action.",
            ["action"],
            registry=registry,
        )
        self._requests = Counter(
            "watchkeeper_http_requests",
            "HTTP requests answered, by route template, method and status code.",
            ["route", "method", "status"],
            registry=registry,
        )
        self._spans = Counter(
            "watchkeeper_otlp_spans",
            "Spans handed to OTLP export, by outcome (exported, failed, dropped).",
            ["outcome"],
            registry=registry,
        )
        self._scraped = _ScrapeTime()
        registry.register(self._scraped)
        self._by_verdict: dict[tuple[str, tuple[str, ...]], tuple[list[Counter], Histogram]] = {}

    @property
    def registry(self) -> CollectorRegistry:
        """The registry every metric of this gateway is in."""
        return self._registry

    def watch(self, name: str, documentation: str, source: ScrapeSource) -> None:
        """Expose gauge `name`, read from `source` at each scrape (skipped while it is None)."""
        self._scraped.add(name, documentation, source)

    def exposition(self) -> bytes:
        """Return every metric in the Prometheus text format."""
        return generate_latest(self._registry)

    def decided(
        self,
        call: ToolCall,  # noqa: ARG002 - part of the observer signature
        verdict: Verdict,
        seconds: float,
    ) -> None:
        """Count the decision under each of its rules and time it."""
        key = (verdict.decision.value, verdict.rule_ids)
        cached = self._by_verdict.get(key)
        if cached is None:
            cached = self._children(*key)
        counters, histogram = cached
        for counter in counters:
            counter.inc()
        histogram.observe(seconds)

    def recorded(self, events: Sequence[Event], seconds: float) -> None:
        """Time the append; count the alerts, reviews and monitoring failures in `events`."""
        self._append_seconds.observe(seconds)
        for event in events:
            if isinstance(event, AlertEvent):
                self._alerts.labels(event.severity.value, event.category).inc()
            elif isinstance(event, ReviewEvent):
                self._reviews.labels(event.action).inc()
            elif isinstance(event, ErrorEvent) and event.where.startswith("gateway.monitor"):
                self._monitor_errors.labels(_MONITORING).inc()

    def monitor_failed(self, monitor: str) -> None:
        """Count a failure of `monitor`."""
        self._monitor_errors.labels(monitor).inc()

    def request_answered(self, route: str, method: str, status: int) -> None:
        """Count one HTTP request to `route` (a template such as ``/v1/sessions/{id}``)."""
        self._requests.labels(route, method, str(status)).inc()

    def spans(self, outcome: str, count: int) -> None:
        """Count `count` spans that were ``exported``, ``failed`` export or were ``dropped``."""
        self._spans.labels(outcome).inc(count)

    def _children(
        self, decision: str, rule_ids: tuple[str, ...]
    ) -> tuple[list[Counter], Histogram]:
        """Return (and, within bounds, cache) the metric children of one kind of verdict."""
        counters = [self._decisions.labels(decision, rule) for rule in rule_ids or ("",)]
        found = (counters, self._decision_seconds.labels(decision))
        if len(self._by_verdict) < _MAX_CACHED:
            self._by_verdict[(decision, rule_ids)] = found
        return found


class _ScrapeTime(Collector):
    """Gauges whose values are read only when Prometheus scrapes."""

    def __init__(self) -> None:
        self._sources: list[tuple[str, str, ScrapeSource]] = []

    def add(self, name: str, documentation: str, source: ScrapeSource) -> None:
        self._sources.append((name, documentation, source))

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(name, doc) for name, doc, _source in self._sources]

    def collect(self) -> Iterable[Metric]:
        for name, documentation, source in self._sources:
            try:
                value = source()
            except Exception:  # noqa: BLE001 - one unreadable gauge must not fail the scrape
                _log.exception("reading metric %s failed", name)
                continue
            if value is not None:
                yield GaugeMetricFamily(name, documentation, value=value)
