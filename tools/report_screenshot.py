"""`make screenshots` (report part): seed a home, render its risk report, and screenshot it.

Run from the repository root: ``python -m tools.report_screenshot [OUT_DIR]`` (default
``docs/screenshots``). It seeds a temporary home with the same events the report tests use
(`tests/report/_seed.py`), writes the report with `build_report`, opens it in Debian's
chromium and writes report.png (the whole page).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from tests.report._seed import seed_home

from watchkeeper.clock import utcnow
from watchkeeper.report import CHROMIUM, CHROMIUM_ARGS, build_report


def screenshot(out_dir: Path) -> Path:
    """Write `out_dir/report.png` from a freshly seeded home and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wk-report-") as directory:
        home = Path(directory) / "home"
        home.mkdir()
        end = utcnow() + timedelta(seconds=1)
        seed_home(home, end)
        page_file = Path(directory) / "report.html"
        page_file.write_text(build_report(home, period=timedelta(days=30), end=end))
        target = out_dir / "report.png"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
            )
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.goto(page_file.as_uri())
                page.screenshot(path=str(target), full_page=True)
            finally:
                browser.close()
    return target


if __name__ == "__main__":
    print(screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
