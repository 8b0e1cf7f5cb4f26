"""Printing the report to PDF with Debian's chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.report import PdfError, write_pdf

from .conftest import Seeded


@pytest.fixture
def report_file(seeded: Seeded, tmp_path: Path) -> Path:
    """The seeded report written to a file."""
    path = tmp_path / "report.html"
    path.write_text(seeded.html, encoding="utf-8")
    return path


def test_pdf_is_printed_by_chromium(report_file: Path, tmp_path: Path) -> None:
    """`write_pdf` produces a PDF document."""
    pdf = tmp_path / "report.pdf"
    write_pdf(report_file, pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_missing_chromium_is_one_line_error(report_file: Path, tmp_path: Path) -> None:
    """Without chromium, printing fails with one sentence naming the path and what to do."""
    with pytest.raises(PdfError) as raised:
        write_pdf(report_file, tmp_path / "r.pdf", chromium=tmp_path / "no-chromium")
    assert str(raised.value) == (
        f"chromium is not at `{tmp_path / 'no-chromium'}`; install it (apt-get install chromium) "
        "or drop --pdf"
    )
