"""The alerts page: filter, sort and triage, every triage recorded before it is applied."""

from __future__ import annotations

import re

from watchkeeper.alerts import AlertStatus
from watchkeeper.events import ReviewEvent, Severity

from .conftest import CSRF, Review


def _alert(
    review: Review,
    category: str,
    severity: Severity = Severity.HIGH,
    *,
    deployment: str = "alpha",
    evidence: tuple[str, ...] = (),
) -> int:
    return review.alerts.raise_alert(
        deployment_id=deployment,
        session_id="s1",
        monitor="m",
        category=category,
        severity=severity,
        score=0.5,
        evidence=evidence,
        explanation=f"{category} found",
    ).alert.id


def _rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="alert-(\d+)"', page)]


def _triage(review: Review, alert_id: int, action: str, **form: str) -> int:
    return (
        review.client()
        .post(f"/alerts/{alert_id}/triage", data={"csrf_token": CSRF, "action": action, **form})
        .status_code
    )


def test_alerts_filter_by_severity(review: Review) -> None:
    """Filtering by severity lists only alerts of that severity."""
    high = _alert(review, "a", Severity.HIGH)
    _alert(review, "b", Severity.LOW)
    assert _rows(review.client().get("/alerts?severity=high").text) == [high]


def test_alerts_filter_by_category_and_deployment(review: Review) -> None:
    """Category and deployment filters combine."""
    wanted = _alert(review, "exfiltration", deployment="alpha")
    _alert(review, "exfiltration", deployment="beta")
    _alert(review, "probing", deployment="alpha")
    page = review.client().get("/alerts?category=exfiltration&deployment=alpha").text
    assert _rows(page) == [wanted]


def test_alerts_filter_by_status(review: Review) -> None:
    """The default shows active alerts; `status=dismissed` shows the dismissed ones."""
    kept = _alert(review, "a")
    gone = _alert(review, "b")
    review.alerts.set_status(gone, AlertStatus.DISMISSED)
    assert _rows(review.client().get("/alerts").text) == [kept]
    assert _rows(review.client().get("/alerts?status=dismissed").text) == [gone]


def test_alerts_sort_by_severity_first(review: Review) -> None:
    """The default order puts the most severe alert first."""
    low = _alert(review, "a", Severity.LOW)
    critical = _alert(review, "b", Severity.CRITICAL)
    medium = _alert(review, "c", Severity.MEDIUM)
    assert _rows(review.client().get("/alerts").text) == [critical, medium, low]


def test_alerts_sort_oldest_first(review: Review) -> None:
    """`sort=oldest` orders by first seen."""
    first = _alert(review, "a", Severity.LOW)
    second = _alert(review, "b", Severity.CRITICAL)
    assert _rows(review.client().get("/alerts?sort=oldest").text) == [first, second]


def test_acknowledge_changes_status_and_records_review(review: Review) -> None:
    """Acknowledging sets the status and records a ReviewEvent naming the reviewer."""
    alert_id = _alert(review, "a")
    assert _triage(review, alert_id, "acknowledge", note="looking") == 303
    assert review.alerts.get(alert_id).status is AlertStatus.ACKNOWLEDGED
    (event,) = review.events("review")
    assert isinstance(event, ReviewEvent)
    assert (event.action, event.reviewer, event.target, event.reason) == (
        "acknowledge",
        "rita",
        f"alert:{alert_id}",
        "looking",
    )


def test_confirm_keeps_the_label(review: Review) -> None:
    """Confirming stores the confirmed label and the note, kept for calibration."""
    alert_id = _alert(review, "a")
    _triage(review, alert_id, "confirm", note="real exfiltration")
    alert = review.alerts.get(alert_id)
    assert (alert.status, alert.note) == (AlertStatus.CONFIRMED, "real exfiltration")


def test_dismiss_needs_a_note(review: Review) -> None:
    """Dismissing without a note is refused and records nothing."""
    alert_id = _alert(review, "a")
    assert _triage(review, alert_id, "dismiss") == 400
    assert review.alerts.get(alert_id).status is AlertStatus.OPEN
    assert review.events("review") == []


def test_assign_defaults_to_the_reviewer(review: Review) -> None:
    """Assign without a name assigns the alert to whoever clicked."""
    alert_id = _alert(review, "a")
    _triage(review, alert_id, "assign")
    alert = review.alerts.get(alert_id)
    assert (alert.assignee, alert.status) == ("rita", AlertStatus.OPEN)


def test_triage_returns_to_the_same_filter(review: Review) -> None:
    """After triage the reviewer lands on the list they came from, at the alert."""
    alert_id = _alert(review, "a")
    response = review.client().post(
        f"/alerts/{alert_id}/triage",
        data={"csrf_token": CSRF, "action": "acknowledge", "back": "severity=high&evil=1"},
    )
    assert (
        response.headers["location"]
        == f"/alerts?status=active&severity=high&sort=severity#alert-{alert_id}"
    )


def test_alert_links_to_the_flagged_step(review: Review) -> None:
    """An alert links to its session timeline, anchored at its first evidence event."""
    alert_id = _alert(review, "a", evidence=("ev1", "ev2"))
    page = review.client().get("/alerts").text
    assert f'data-testid="alert-{alert_id}"' in page
    assert 'href="/sessions/alpha/s1#event-ev1"' in page


def test_alert_explanation_is_escaped(review: Review) -> None:
    """Markup in an alert explanation is shown as text."""
    review.alerts.raise_alert(
        deployment_id="alpha",
        session_id="s1",
        monitor="m",
        category="x",
        severity=Severity.HIGH,
        score=0.5,
        evidence=(),
        explanation="<img src=x onerror=alert(1)>",
    )
    page = review.client().get("/alerts").text
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_alerts_fragment_shows_new_alerts(review: Review) -> None:
    """The polled table lists an alert raised after the page was loaded."""
    client = review.client()
    client.get("/alerts")
    alert_id = _alert(review, "late")
    fragment = client.get("/fragments/alerts?status=active").text
    assert f'data-testid="alert-{alert_id}"' in fragment
    assert 'hx-trigger="every 3s"' in fragment
