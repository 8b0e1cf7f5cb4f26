"""Print the HTML report to PDF with Debian's chromium, driven by Playwright."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "PdfError", "write_pdf"]

#: Debian's chromium, which `make browser` installs; Playwright drives it, never its own build.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class PdfError(Exception):
    """The PDF could not be printed (no chromium, no Playwright, or chromium failed)."""


def write_pdf(html: Path, pdf: Path, *, chromium: Path = CHROMIUM) -> None:
    """Open `html` in headless `chromium` and print it to `pdf` (A4, backgrounds on)."""
    if not chromium.is_file():
        raise PdfError(
            f"chromium is not at `{chromium}`; install it (apt-get install chromium) or drop --pdf"
        )
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as exc:
        raise PdfError(
            "the `playwright` package is not installed; install the `pdf` extra "
            "(pip install 'watchkeeper[pdf]') or drop --pdf"
        ) from exc
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=list(CHROMIUM_ARGS)
            )
            try:
                page = browser.new_page()
                page.goto(html.resolve().as_uri(), wait_until="load")
                page.pdf(
                    path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True
                )
            finally:
                browser.close()
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PdfError(f"chromium at `{chromium}` could not print `{html}`: {first}") from exc
