"""The overview page: deployments, alerts by severity, pending approvals, ledger status."""

from __future__ import annotations

import pytest

from tests._backends import tamper
from watchkeeper.events import Severity
from watchkeeper.review.web._overview import build_overview

from .conftest import Review

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _alert(review: Review, severity: Severity, category: str = "exfiltration") -> int:
    raised = review.alerts.raise_alert(
        deployment_id="alpha",
        session_id="s1",
        monitor="m",
        category=category,
        severity=severity,
        score=0.9,
        evidence=(),
        explanation="found",
    )
    return raised.alert.id


def test_overview_lists_active_deployments(review: Review) -> None:
    """An active deployment appears with its owner and purpose."""
    page = review.client().get("/")
    assert page.status_code == 200
    assert 'data-testid="deployment-row-alpha"' in page.text
    assert "fix the build" in page.text


def test_overview_counts_open_alerts_by_severity(review: Review) -> None:
    """Open alerts are counted per severity; dismissed ones are not."""
    _alert(review, Severity.HIGH, "a")
    _alert(review, Severity.HIGH, "b")
    _alert(review, Severity.LOW, "c")
    from watchkeeper.alerts import AlertStatus

    review.alerts.set_status(_alert(review, Severity.HIGH, "d"), AlertStatus.DISMISSED)
    counts = dict(build_overview(review.ui.context).alerts_by_severity)
    assert counts[Severity.HIGH] == 2
    assert counts[Severity.LOW] == 1


def test_overview_lists_pending_approvals_with_age(review: Review) -> None:
    """A waiting ask is listed with its command and how long it has waited."""
    pending = review.ask("git push origin main")
    page = review.client().get("/").text
    assert f'data-testid="pending-{pending.id}"' in page
    assert "git push origin main" in page
    assert "asked 0s ago" in page


def test_overview_shows_intact_ledger_and_last_checkpoint(review: Review) -> None:
    """After a refresh the ledger is reported intact with its last signed checkpoint."""
    for n in range(3):
        review.call("Bash", {"command": f"echo {n}"})
    review.status.refresh(verify=True)
    page = review.client().get("/").text
    assert 'data-ok="true"' in page
    assert "Last checkpoint: record" in page


def test_overview_says_when_the_ledger_was_last_verified_in_full(review: Review) -> None:
    """Between full passes the overview says how long ago every record and signature was
    checked, not only when the last (incremental) pass ran."""
    review.call("Bash", {"command": "echo hi"})
    before = review.client().get("/").text
    assert 'data-testid="full-verify"' not in before
    review.status.refresh(verify=True)
    page = review.client().get("/").text
    assert 'data-testid="full-verify"' in page
    assert (
        "Last full verification (every record from the first, and the signatures): 0s ago" in page
    )


def test_overview_reports_a_tampered_ledger(review: Review) -> None:
    """A record altered on disk makes the overview say the ledger is NOT intact."""
    review.call("Bash", {"command": "echo hi"})
    tamper(review.home, "UPDATE records SET ts = '2001-01-01T00:00:00Z' WHERE seq = 2")
    review.status.refresh(verify=True)
    page = review.client().get("/").text
    assert 'data-ok="false"' in page
    assert "record 2" in page


def test_overview_fragment_is_the_live_part_only(review: Review) -> None:
    """The polled fragment has the live container and no page layout."""
    fragment = review.client().get("/fragments/overview").text
    assert 'hx-trigger="every 3s"' in fragment
    assert "<html" not in fragment


def test_overview_does_not_verify_on_request(review: Review) -> None:
    """Before the background pass, the page says verification is running instead of waiting."""
    review.call("Bash", {"command": "echo hi"})
    page = review.client().get("/").text
    assert 'data-ok="unknown"' in page
    assert review.status.snapshot.verify is None
