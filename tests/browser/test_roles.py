"""A reviewer can triage and approve but cannot reach admin actions."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ._stack import DEPLOYMENT, Stack

ADMIN_ACTIONS = ("suspend", "resume", "revoke", "kill")


def _csrf_token(page: Page) -> str:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token, "the page carries no CSRF token"
    return token


def test_the_admin_sees_deployment_actions(admin_page: Page, stack: Stack) -> None:
    """The deployments page offers an admin the suspend and revoke buttons."""
    admin_page.goto(f"{stack.url}/deployments")
    row = admin_page.get_by_test_id(f"deployment-{DEPLOYMENT}")
    expect(row.get_by_test_id("suspend")).to_be_visible()
    expect(row.get_by_test_id("revoke")).to_be_visible()


def test_a_reviewer_sees_no_deployment_actions(reviewer_page: Page, stack: Stack) -> None:
    """The deployments page shows a reviewer the inventory without any admin button."""
    reviewer_page.goto(f"{stack.url}/deployments")
    expect(reviewer_page.get_by_test_id(f"deployment-{DEPLOYMENT}")).to_be_visible()
    for action in ADMIN_ACTIONS:
        expect(reviewer_page.get_by_test_id(action)).to_have_count(0)


def test_a_reviewer_posting_an_admin_action_gets_403(reviewer_page: Page, stack: Stack) -> None:
    """A reviewer's direct POST to suspend with a valid CSRF token is refused; nothing changes."""
    reviewer_page.goto(f"{stack.url}/deployments")
    reply = reviewer_page.request.post(
        f"{stack.url}/deployments/{DEPLOYMENT}/suspend",
        form={"csrf_token": _csrf_token(reviewer_page), "reason": "trying my luck"},
        max_redirects=0,
    )
    assert reply.status == 403, reply.text()
    reviewer_page.reload()
    row = reviewer_page.get_by_test_id(f"deployment-{DEPLOYMENT}")
    expect(row.get_by_test_id("deployment-state")).to_have_text("active")
