"""Assessment + figures → one self-contained HTML page (inline CSS and SVG, no scripts)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from watchkeeper.assess import Assessment
from watchkeeper.report._figures import ReportFigures
from watchkeeper.report._svg import Bar, histogram, horizontal_bars, palette, stacked_bars

__all__ = ["LATENCY_BINS", "latency_bins", "render_report"]

#: Upper bounds (seconds, exclusive) and labels of the approval-latency histogram.
LATENCY_BINS: tuple[tuple[float, str], ...] = (
    (5.0, "<5 s"),
    (30.0, "5-30 s"),
    (120.0, "30 s-2 min"),
    (600.0, "2-10 min"),
    (3600.0, "10-60 min"),
    (21600.0, "1-6 h"),
    (math.inf, "≥6 h"),
)
#: A reviewer approving at least this share is drawn as an alarm (the rubber-stamp rule).
_STAMP_RATE = 95.0


def latency_bins(latencies: Sequence[float]) -> list[tuple[str, int]]:
    """Count `latencies` into `LATENCY_BINS`, in order."""
    counts = [0] * len(LATENCY_BINS)
    for seconds in latencies:
        counts[next(i for i, (bound, _) in enumerate(LATENCY_BINS) if seconds < bound)] += 1
    return [(name, counts[i]) for i, (_, name) in enumerate(LATENCY_BINS)]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _charts(figures: ReportFigures) -> dict[str, Markup]:
    rows = figures.deployments
    days = [d.isoformat() for d in figures.days]
    by_day = {d.isoformat(): counts for d, counts in figures.alerts_by_day.items()}
    drills = [
        Bar(
            f"{c.deployment} {c.ts:%m-%d %H:%M}",
            c.seconds,
            ("contained" if c.contained else f"FAILED, {c.survivors} survivors")
            + ("" if c.seconds is None else f" in {c.seconds:.2f} s"),
            alarm=not c.contained,
        )
        for c in figures.containments
    ]
    return {
        "alerts": stacked_bars(
            days, by_day, figures.categories, label="alerts per day by category"
        ),
        "coverage": horizontal_bars(
            [
                Bar(r.deployment, r.coverage, _coverage_text(r.coverage, r.process_starts),
                    alarm=r.coverage is not None and r.coverage < 100)
                for r in rows
            ],
            label="monitoring coverage per deployment",
            top=100.0,
        ),
        "latency": histogram(
            latency_bins(figures.review_latency_s), label="approval latency distribution"
        ),
        "approval": horizontal_bars(
            [
                Bar(r.deployment, r.approval_rate,
                    f"{_pct(r.approval_rate)} of {r.approved + r.rejected}",
                    alarm=(r.approval_rate or 0.0) >= _STAMP_RATE)
                for r in rows
            ],
            label="reviewer approval rate per deployment",
            top=100.0,
        ),
        "denial": horizontal_bars(
            [Bar(r.deployment, r.denial_rate, f"{_pct(r.denial_rate)} of {r.decided}")
             for r in rows],
            label="policy denial rate per deployment",
            top=100.0,
        ),
        "probing": horizontal_bars(
            [Bar(r.deployment, r.probing_per_100, f"{r.probing_per_100:.1f} ({r.probing})",
                 alarm=r.probing > 0)
             for r in rows],
            label="probing alerts per 100 sessions",
        ),
        "integrity": horizontal_bars(
            [Bar(r.deployment, r.integrity_per_100, f"{r.integrity_per_100:.1f} ({r.integrity})",
                 alarm=r.integrity_per_100 >= 5)
             for r in rows],
            label="integrity findings per 100 sessions",
        ),
        "drills": horizontal_bars(drills, label="time to containment, seconds"),
    }  # fmt: skip


def _coverage_text(coverage: float | None, starts: int) -> str:
    return "n/a (no process events)" if coverage is None else f"{coverage:.1f}% of {starts}"


def render_report(assessment: Assessment, figures: ReportFigures) -> str:
    """The report page for `assessment`, its charts drawn from `figures`."""
    env = Environment(
        loader=PackageLoader("watchkeeper.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = _pct
    template = env.get_template("report.html")
    return template.render(
        assessment=assessment,
        figures=figures,
        charts=_charts(figures),
        colours=palette(figures.categories),
        latency_bins=LATENCY_BINS,
        figures_by_name={f.deployment: f for f in figures.deployments},
    )
