"""`watchkeeper report` writes the HTML (and PDF) report of a seeded home."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests._backends import LedgerBackend
from watchkeeper.cli._app import build_app
from watchkeeper.clock import utcnow

from ..report._seed import ALPHA, BETA, seed_home

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, ledger_backend: LedgerBackend) -> Path:
    """A home seeded with activity ending now, on each ledger backend."""
    seeded = tmp_path / "home"
    seeded.mkdir()
    seed_home(seeded, utcnow() - timedelta(seconds=1))
    return seeded


def test_report_writes_html(home: Path, tmp_path: Path) -> None:
    """The command writes a report naming every deployment and says where."""
    out = tmp_path / "report.html"
    result = runner.invoke(build_app(), ["report", "--home", str(home), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {out}\n"
    page = out.read_text(encoding="utf-8")
    assert f'<tr data-deployment="{ALPHA}">' in page
    assert f'<tr data-deployment="{BETA}">' in page


def test_report_of_one_deployment(home: Path, tmp_path: Path) -> None:
    """`--deployment` leaves the other deployments out."""
    out = tmp_path / "beta.html"
    args = ["report", "--home", str(home), "--out", str(out), "--deployment", BETA]
    assert runner.invoke(build_app(), args).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert f'data-deployment="{BETA}"' in page
    assert f'data-deployment="{ALPHA}"' not in page


def test_report_pdf(home: Path, tmp_path: Path) -> None:
    """`--pdf` also prints the report with chromium."""
    out, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    args = ["report", "--home", str(home), "--out", str(out), "--pdf", str(pdf)]
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes()[:4] == b"%PDF"


def test_report_rejects_a_bad_period(home: Path, tmp_path: Path) -> None:
    """A period that is not a duration is a usage error naming it."""
    args = ["report", "--home", str(home), "--out", str(tmp_path / "r.html"), "--period", "soon"]
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 2
    assert "`soon`" in result.output
