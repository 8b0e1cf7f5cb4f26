"""The report in a real headless chromium: it loads nothing from anywhere and runs nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from watchkeeper.report import CHROMIUM, CHROMIUM_ARGS

from .conftest import Seeded

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def report_file(seeded: Seeded, tmp_path: Path) -> Path:
    """The seeded report written to a file."""
    path = tmp_path / "report.html"
    path.write_text(seeded.html, encoding="utf-8")
    return path


def test_report_requests_nothing_but_itself(
    browser: Browser, report_file: Path, tmp_path: Path
) -> None:
    """Opening the report fetches no resource and logs no error; the charts are drawn."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(report_file.as_uri())
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert requests == [report_file.as_uri()]
    assert errors == []
    assert page.locator("svg rect.bar").count() > 10
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_agent_payload_stays_inert_in_chromium(browser: Browser, report_file: Path) -> None:
    """The seeded script payload neither runs nor becomes an element in the live page."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report_file.as_uri())
    assert page.locator("script, img, iframe").count() == 0
    assert dialogs == []
    assert "<script>alert('pwned')</script>" in page.inner_text("#deployments")


def test_screenshot_is_checked_in() -> None:
    """docs/screenshots/report.png exists and is a PNG (`make screenshots` rewrites it)."""
    assert (ROOT / "docs" / "screenshots" / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
