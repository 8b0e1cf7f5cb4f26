"""Triage of a monitor alert in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ._stack import REVIEWER, Stack


def test_acknowledging_an_alert_changes_its_status_and_is_recorded(
    reviewer_page: Page, stack: Stack
) -> None:
    """Clicking acknowledge on an alert row shows it acknowledged and records a review event."""
    alert_id = stack.raise_alert("triage-me")
    reviewer_page.goto(f"{stack.url}/alerts")
    row = reviewer_page.get_by_test_id(f"alert-{alert_id}")
    status = row.get_by_test_id("alert-status")
    expect(status).to_have_text("open")
    row.get_by_test_id("acknowledge").click()
    expect(status).to_have_text("acknowledged")
    reviews = [
        event
        for event in stack.review_events()
        if event["action"] == "acknowledge" and event["target"] == f"alert:{alert_id}"
    ]
    assert [event["reviewer"] for event in reviews] == [REVIEWER.name]
