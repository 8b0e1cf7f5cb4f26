"""The rendered report: its numbers match recounts of the seeded events, and it is inert."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from itertools import pairwise

import pytest

from watchkeeper.assess import INTEGRITY
from watchkeeper.events import AlertEvent, Decision, ReviewEvent, ToolCall, VerdictEvent
from watchkeeper.report import LATENCY_BINS

from ._seed import ALPHA, ALPHA_REVIEWS, BETA, XSS
from .conftest import Seeded


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _tags(html: str) -> _Tags:
    parsed = _Tags()
    parsed.feed(html)
    return parsed


def _chart(html: str, chart: str) -> str:
    found = re.search(
        rf'<div class="chart" id="chart-{chart}">(.*?)</div>\s*(?=<div|</section)', html, re.S
    )
    assert found is not None
    return found.group(1)


def _key_figures(html: str, deployment: str) -> dict[str, str]:
    row = re.search(
        rf'<tr data-deployment="{deployment}">\s*<td>{deployment}</td>(.*?)</tr>', html, re.S
    )
    assert row is not None
    return dict(re.findall(r'data-figure="(\w+)">([^<]*)<', row.group(1)))


def _of(seeded: Seeded, name: str) -> list[object]:
    return [e for e in seeded.events if e.deployment_id == name]


def test_alert_bars_match_a_recount_per_day_and_category(seeded: Seeded) -> None:
    """Each stacked bar segment shows the number of seeded alerts of its day and category."""
    bars = [
        (a["data-column"], a["data-series"], int(a["data-value"]))
        for tag, a in _tags(_chart(seeded.html, "alerts")).tags
        if tag == "rect"
    ]
    expected = Counter(
        (e.ts.date().isoformat(), e.category) for e in seeded.events if isinstance(e, AlertEvent)
    )
    assert sorted(bars) == sorted((d, c, n) for (d, c), n in expected.items())


def test_approval_rate_matches_the_reviews(seeded: Seeded) -> None:
    """The approval rate is approvals over approvals plus denials by reviewers."""
    reviews = [e for e in _of(seeded, ALPHA) if isinstance(e, ReviewEvent)]
    approved = sum(r.action == "approve" for r in reviews)
    assert (
        _key_figures(seeded.html, ALPHA)["approval_rate"] == f"{approved * 100 / len(reviews):.1f}%"
    )
    assert _key_figures(seeded.html, BETA)["approval_rate"] == "n/a"


def test_denial_rate_matches_the_verdicts(seeded: Seeded) -> None:
    """The denial rate is denied verdicts over all verdicts of the deployment."""
    verdicts = [e for e in _of(seeded, ALPHA) if isinstance(e, VerdictEvent)]
    denied = sum(v.decision is Decision.DENY for v in verdicts)
    assert _key_figures(seeded.html, ALPHA)["denial_rate"] == f"{denied * 100 / len(verdicts):.1f}%"


def test_integrity_and_probing_per_100_sessions_match(seeded: Seeded) -> None:
    """Integrity findings and probing alerts are scaled to 100 sessions of tool calls."""
    events = _of(seeded, ALPHA)
    sessions = len({e.session_id for e in events if isinstance(e, ToolCall)})
    alerts = [e.category for e in events if isinstance(e, AlertEvent)]
    integrity = sum(c in INTEGRITY for c in alerts) * 100 / sessions
    probing = alerts.count("probing") * 100 / sessions
    figures = _key_figures(seeded.html, ALPHA)
    assert (figures["integrity_per_100"], figures["probing_per_100"]) == (
        f"{integrity:.1f}",
        f"{probing:.1f}",
    )
    bars = {
        a["data-column"]: float(a["data-value"])
        for t, a in _tags(_chart(seeded.html, "integrity")).tags
        if t == "rect"
    }
    assert bars[ALPHA] == pytest.approx(integrity, rel=1e-5)


def test_latency_histogram_matches_the_review_delays(seeded: Seeded) -> None:
    """Each latency bin holds the seeded review delays that fall in it."""
    histogram = re.findall(r"<svg.*?</svg>", _chart(seeded.html, "latency"), re.S)[0]
    bars = [int(a["data-value"]) for t, a in _tags(histogram).tags if t == "rect"]
    bounds = [0.0] + [b for b, _ in LATENCY_BINS]
    expected = [sum(lo <= s < hi for s, _ in ALPHA_REVIEWS) for lo, hi in pairwise(bounds)]
    assert bars == expected


def test_drill_results_show_survivors(seeded: Seeded) -> None:
    """A failed containment is shown as failed with its survivor count."""
    drills = _chart(seeded.html, "drills")
    assert "FAILED, 2 survivors in 9.50 s" in drills
    assert "contained in 1.25 s" in drills


def test_bottom_lines_come_before_the_cards(seeded: Seeded) -> None:
    """The executive summary states every bottom line before the per-deployment cards."""
    summary = seeded.html[seeded.html.index('id="summary"') : seeded.html.index('id="charts"')]
    assert seeded.html.index('id="charts"') < seeded.html.index('id="deployments"')
    for name in (ALPHA, BETA):
        assert f"<strong>{name}</strong>: could it start a small rogue deployment?" in summary
    assert summary.lower().count("could it make a rogue deployment robust") == 2


def test_cards_list_reasons_with_event_ids(seeded: Seeded) -> None:
    """A reason backed by events names their ids in the deployment's card."""
    alert = next(
        e for e in seeded.events if isinstance(e, AlertEvent) and e.category == "oversight-evasion"
    )
    assert alert.id in seeded.html.split('id="deployments"')[1]


def test_agent_text_is_escaped(seeded: Seeded) -> None:
    """A script payload in an agent's command renders as text, never as markup."""
    assert "<script" not in seeded.html
    assert not any(tag in ("script", "img", "iframe") for tag, _ in _tags(seeded.html).tags)
    assert not any(k.startswith("on") for _, attrs in _tags(seeded.html).tags for k in attrs)
    assert XSS in "".join(_tags(seeded.html).text)


def test_no_external_references(seeded: Seeded) -> None:
    """No `src` or `href` points outside the page, and a CSP forbids fetching anything."""
    refs = [v for _, a in _tags(seeded.html).tags for k, v in a.items() if k in ("src", "href")]
    assert refs
    assert all(v.startswith("#") for v in refs)
    assert not re.search(r"https?://", seeded.html)
    assert "default-src 'none'; style-src 'unsafe-inline'; img-src data:" in seeded.html


def test_page_has_print_styles_and_methodology(seeded: Seeded) -> None:
    """The page prints cleanly and explains how its figures are computed."""
    assert "@media print" in seeded.html
    assert "Not covered" in seeded.html
