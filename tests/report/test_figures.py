"""The chart figures are counts of the ledger's events in the period."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from watchkeeper.events import AlertEvent, Event, ReviewEvent, ToolCall
from watchkeeper.report import gather_figures

from ._seed import ALPHA, ALPHA_PROCESS_STARTS, ALPHA_REVIEWS, BETA, DRILL
from .conftest import PERIOD, Seeded


def _ledger(seeded: Seeded) -> list[Event]:
    from watchkeeper.ledger import ledger_source

    return [event for _, event in ledger_source(seeded.home, seeded.url).events()]


def test_alerts_are_bucketed_by_utc_day_and_category(seeded: Seeded) -> None:
    """Alerts per (day, category) equal a recount of the seeded alerts."""
    figures = gather_figures(_ledger(seeded), start=seeded.end - PERIOD, end=seeded.end)
    expected: Counter[tuple[str, str]] = Counter(
        (e.ts.date().isoformat(), e.category) for e in seeded.events if isinstance(e, AlertEvent)
    )
    found = {
        (day.isoformat(), category): n
        for day, counts in figures.alerts_by_day.items()
        for category, n in counts.items()
    }
    assert found == dict(expected)


def test_drill_deployments_count_only_as_containment(seeded: Seeded) -> None:
    """A `drill-*` deployment has no figures row but its containment result is kept."""
    figures = gather_figures(_ledger(seeded), start=seeded.end - PERIOD, end=seeded.end)
    assert [f.deployment for f in figures.deployments] == [ALPHA, BETA]
    assert [(c.deployment, c.contained, c.survivors) for c in figures.containments] == [
        (DRILL, True, 0),
        (BETA, False, 2),
    ]


def test_review_latency_is_decision_time_minus_call_time(seeded: Seeded) -> None:
    """Each approve or deny naming a call contributes its delay since that call."""
    figures = gather_figures(_ledger(seeded), start=seeded.end - PERIOD, end=seeded.end)
    assert sorted(figures.review_latency_s) == sorted(s for s, _ in ALPHA_REVIEWS)


def test_coverage_subtracts_unmonitored_executions(seeded: Seeded) -> None:
    """Coverage is process starts minus executions listed by unmonitored-execution alerts."""
    figures = gather_figures(_ledger(seeded), start=seeded.end - PERIOD, end=seeded.end)
    alpha = figures.deployments[0]
    unmonitored = sum(
        len(e.evidence)
        for e in seeded.events
        if isinstance(e, AlertEvent) and e.category == "unmonitored-execution"
    )
    assert alpha.process_starts == ALPHA_PROCESS_STARTS
    assert alpha.coverage == (ALPHA_PROCESS_STARTS - unmonitored) * 100 / ALPHA_PROCESS_STARTS
    assert figures.deployments[1].coverage is None


def test_only_keeps_one_deployment(seeded: Seeded) -> None:
    """With `only`, other deployments' figures and alerts are left out."""
    figures = gather_figures(_ledger(seeded), start=seeded.end - PERIOD, end=seeded.end, only=BETA)
    assert [f.deployment for f in figures.deployments] == [BETA]
    assert figures.alerts_by_day == {}
    assert [c.deployment for c in figures.containments] == [DRILL, BETA]


def test_events_outside_the_period_are_ignored(seeded: Seeded) -> None:
    """A window ending before the seeded activity counts nothing of it."""
    first = min(e.ts for e in seeded.events)
    figures = gather_figures(_ledger(seeded), start=first - timedelta(days=1), end=first)
    assert figures.deployments == ()
    assert figures.review_latency_s == ()


def test_days_span_the_whole_period(seeded: Seeded) -> None:
    """Every UTC day from the start to the end of the period has a column."""
    figures = gather_figures([], start=seeded.end - PERIOD, end=seeded.end)
    assert figures.days[0] == (seeded.end - PERIOD).date()
    assert figures.days[-1] == seeded.end.date()
    assert len(figures.days) == len(set(figures.days)) >= PERIOD.days


def test_sessions_are_counted_from_tool_calls(seeded: Seeded) -> None:
    """A deployment's sessions are the distinct sessions of its tool calls."""
    figures = gather_figures(_ledger(seeded), start=seeded.end - PERIOD, end=seeded.end)
    sessions = {
        e.session_id for e in seeded.events if isinstance(e, ToolCall) and e.deployment_id == ALPHA
    }
    reviews = [e for e in seeded.events if isinstance(e, ReviewEvent)]
    assert figures.deployments[0].sessions == len(sessions)
    assert figures.deployments[0].approved == sum(r.action == "approve" for r in reviews)
