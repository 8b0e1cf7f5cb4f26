"""`watchkeeper report`: the assessment as a self-contained HTML page, optionally a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `report` command to `app`."""
    app.command("report")(report)


def report(
    *,
    out: Annotated[Path, typer.Option(help="Write the HTML report to this file.")],
    period: Annotated[
        str, typer.Option(help="How far back to look, e.g. `30d`, `12h`, `90m`.")
    ] = "30d",
    deployment: Annotated[str | None, typer.Option(help="Report only this deployment.")] = None,
    pdf: Annotated[
        Path | None,
        typer.Option(help="Also print the report to this PDF with headless chromium."),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
) -> None:
    """Write the risk report: executive summary, per-deployment cards, charts, methodology.

    The HTML is self-contained (inline CSS and SVG, no scripts, nothing fetched when opened)
    and prints cleanly; `--pdf` prints it with Debian's chromium (`/usr/bin/chromium`).
    """
    from watchkeeper.cli.token import parse_duration
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError
    from watchkeeper.policy import PolicyError
    from watchkeeper.report import PdfError, build_report, write_pdf

    window = parse_duration(period)
    try:
        page = build_report(resolve_home(home), period=window, deployment=deployment)
        out.write_text(page, encoding="utf-8")
    except (LedgerError, PolicyError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"wrote {out}")
    if pdf is None:
        return
    try:
        write_pdf(out, pdf)
    except PdfError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"wrote {pdf}")
