"""Signing in to the review UI in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ._stack import ADMIN, Account, Stack, log_in


def test_signing_in_opens_the_overview(page: Page, stack: Stack) -> None:
    """The admin's name and password in the login form lead to the overview page."""
    log_in(page, stack.url, ADMIN)
    assert page.url.rstrip("/") == stack.url
    expect(page.get_by_text(ADMIN.name).first).to_be_visible()


def test_a_wrong_password_shows_an_error_and_no_session(page: Page, stack: Stack) -> None:
    """A wrong password keeps the browser on the login form with an error and no session."""
    page.goto(f"{stack.url}/login")
    wrong = Account(ADMIN.name, ADMIN.role, "not-the-right-passphrase")
    page.fill("input[name=username]", wrong.name)
    page.fill("input[name=password]", wrong.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error")).to_be_visible()
    assert "/login" in page.url
    page.goto(f"{stack.url}/approvals")
    expect(page.locator("input[name=password]")).to_be_visible()
