"""State-changing POSTs from a signed-in browser need the session's CSRF token."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ._stack import Stack


def test_a_triage_post_without_the_csrf_token_is_refused(reviewer_page: Page, stack: Stack) -> None:
    """A signed-in POST lacking `csrf_token` gets 403 and leaves the alert open; with it, 303."""
    alert_id = stack.raise_alert("csrf-target")
    reviewer_page.goto(f"{stack.url}/alerts")
    url = f"{stack.url}/alerts/{alert_id}/triage"
    refused = reviewer_page.request.post(url, form={"action": "acknowledge"}, max_redirects=0)
    assert refused.status == 403, refused.text()
    status = reviewer_page.get_by_test_id(f"alert-{alert_id}").get_by_test_id("alert-status")
    reviewer_page.reload()
    expect(status).to_have_text("open")
    token = reviewer_page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    accepted = reviewer_page.request.post(
        url, form={"action": "acknowledge", "csrf_token": token}, max_redirects=0
    )
    assert accepted.status == 303, accepted.text()
