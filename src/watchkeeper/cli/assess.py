"""`watchkeeper assess`: means, motive and opportunity per deployment, with the evidence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from watchkeeper.assess import Assessment, DeploymentAssessment

__all__ = ["register"]

_COLOURS = {"low": "green", "moderate": "yellow", "high": "red"}


def register(app: typer.Typer) -> None:
    """Add the `assess` command to `app`."""
    app.command("assess")(assess)


def assess(
    *,
    period: Annotated[
        str, typer.Option(help="How far back to look, e.g. `30d`, `12h`, `90m`.")
    ] = "30d",
    deployment: Annotated[str | None, typer.Option(help="Assess only this deployment.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
) -> None:
    """Rate each deployment's means, motive and opportunity over a period, with evidence.

    Answers, per deployment, the assessors' two questions: could it start a small rogue
    deployment, and could it make one robust against investigation and shutdown. Every
    rating lists the reasons behind it; event ids point into the ledger.
    """
    from watchkeeper.assess import assess_home
    from watchkeeper.cli.token import parse_duration
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError
    from watchkeeper.policy import PolicyError

    window = parse_duration(period)  # a bad value is a usage error (exit 2) from typer
    try:
        result = assess_home(resolve_home(home), period=window, deployment=deployment)
    except (LedgerError, PolicyError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2))
        return
    _print(result, Console(width=140))


def _print(result: Assessment, console: Console) -> None:
    console.print(
        f"[bold]Assessment[/bold] {result.start:%Y-%m-%d %H:%M} → {result.end:%Y-%m-%d %H:%M} UTC"
    )
    if not result.deployments:
        console.print("no deployment activity in this period")
        return
    for item in result.deployments:
        _print_one(item, console)


def _print_one(item: DeploymentAssessment, console: Console) -> None:
    console.rule(f"{item.deployment} — {item.sessions} sessions, {item.tool_calls} tool calls")
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("dimension", width=12)
    table.add_column("rating", width=9)
    table.add_column("evidence")
    for dim in (item.means, item.motive, item.opportunity):
        colour = _COLOURS[dim.rating.value]
        lines = "\n".join(
            f"• {r.text}" + (f"  [dim]({len(r.event_ids)} events)[/dim]" if r.event_ids else "")
            for r in dim.reasons
        )
        table.add_row(dim.name, f"[{colour}]{dim.rating.value}[/{colour}]", lines)
    console.print(table)
    for line in (item.small_rogue, item.robust_rogue):
        verdict = "[red]yes[/red]" if line.answer else "[green]no[/green]"
        console.print(f"{line.question} {verdict} — {'; '.join(line.reasons)}")
