"""Build the report of a watchkeeper home: assess it, count the figures, render."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from watchkeeper.assess import assess_home
from watchkeeper.report._figures import gather_figures
from watchkeeper.report._render import render_report

__all__ = ["build_report"]


def build_report(
    home: Path, *, period: timedelta, deployment: str | None = None, end: datetime | None = None
) -> str:
    """The HTML report of `home`'s ledger over `period` up to `end` (default: now).

    The ledger is `$WATCHKEEPER_DB` (PostgreSQL) or `<home>/ledger.db`, as for `assess_home`.
    """
    from watchkeeper.ledger import ledger_source

    assessment = assess_home(home, period=period, deployment=deployment, end=end)
    events = (event for _, event in ledger_source(home).events())
    figures = gather_figures(events, start=assessment.start, end=assessment.end, only=deployment)
    return render_report(assessment, figures)
