"""Browser fixtures: one headless Debian chromium and one real gateway for the whole suite.

The gateway runs once per ledger backend (`tests/_backends.py`): every test runs against
the SQLite stack, then against one recording into a fresh PostgreSQL schema. Each test gets a
fresh browser context. The admin and the reviewer sign in through the form once per stack
(argon2 makes every sign-in cost a few hundred milliseconds); later contexts start from that
signed-in cookie jar. `test_login.py` signs in from scratch.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, StorageState, sync_playwright

from tests._backends import BACKENDS, backend_ledger

from ._stack import ADMIN, REVIEWER, Account, Stack, launch_chromium, log_in, start_stack

_TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, driven by Playwright's sync API."""
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="package", params=BACKENDS)
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    """A real `watchkeeper serve` on a fresh home with an admin, a reviewer and a deployment,
    recording into each ledger backend in turn."""
    # the server is looked up only for `postgresql`: the `sqlite` stack runs without one
    server = "" if request.param == "sqlite" else request.getfixturevalue("postgres_server")
    with (
        tempfile.TemporaryDirectory(prefix="wk-ui-", dir="/tmp") as directory,
        backend_ledger(request.param, server) as ledger,
    ):
        served = start_stack(Path(directory) / "home", approval_timeout=60, db=ledger.url)
        try:
            yield served
        finally:
            served.stop()


def _new_context(browser: Browser, state: StorageState | None = None) -> BrowserContext:
    fresh = browser.new_context(storage_state=state)
    fresh.set_default_timeout(_TIMEOUT_MS)
    return fresh


def _signed_in(browser: Browser, stack: Stack, account: Account) -> StorageState:
    context = _new_context(browser)
    try:
        log_in(context.new_page(), stack.url, account)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="package")
def admin_state(browser: Browser, stack: Stack) -> StorageState:
    """The cookies of one sign-in as the admin."""
    return _signed_in(browser, stack, ADMIN)


@pytest.fixture(scope="package")
def reviewer_state(browser: Browser, stack: Stack) -> StorageState:
    """The cookies of one sign-in as the reviewer."""
    return _signed_in(browser, stack, REVIEWER)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A blank page in a fresh context: no cookies, 10 s default timeout."""
    context = _new_context(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def admin_page(browser: Browser, admin_state: StorageState) -> Iterator[Page]:
    """A page in a fresh context signed in as the admin."""
    context = _new_context(browser, admin_state)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def reviewer_page(browser: Browser, reviewer_state: StorageState) -> Iterator[Page]:
    """A page in a fresh context signed in as the reviewer."""
    context = _new_context(browser, reviewer_state)
    try:
        yield context.new_page()
    finally:
        context.close()
