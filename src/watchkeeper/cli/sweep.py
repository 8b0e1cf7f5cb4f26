"""`watchkeeper sweep`: look for rogue deployments, monitoring gaps, ledger gaps, coverage."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from watchkeeper.events import Event
    from watchkeeper.ledger import PostgresLedger, SqliteLedger
    from watchkeeper.sweep import CoverageReport, SweepReport

__all__ = ["register", "sweeping"]

_WIDTH = 160


def register(app: typer.Typer) -> None:
    """Add the `sweep` command to `app`."""
    app.command("sweep")(sweep)


def sweep(
    *,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    pid: Annotated[
        list[int] | None,
        typer.Option("--pid", help="Examine only this process (repeatable); default: all."),
    ] = None,
    coverage: Annotated[
        str | None,
        typer.Option(
            "--coverage",
            metavar="SESSION",
            help="Report coverage for this supervised session only "
            "(default: every session running or ended within the last hour).",
        ),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
) -> None:
    """Sweep the host for rogue deployments and check supervision, the ledger and coverage.

    Flags processes that look like agents or model servers (signatures in <home>/sweep.yaml)
    or carry a watchkeeper marker, unless they belong to a live supervised session of an
    active deployment; supervised sessions whose heartbeats stopped; ledger records missing
    or altered since the last sweep; and executions in a supervised tree that no
    gateway-decided tool call accounts for. Each finding is raised as an alert (deduplicated:
    re-running does not duplicate open alerts). Exit code 0 when nothing was found, 1 when
    something was, 2 on an error.
    """
    from watchkeeper.alerts import AlertStore, AlertStoreError
    from watchkeeper.deployments import RegistryFileError
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError
    from watchkeeper.statefile import StateFileError
    from watchkeeper.sweep import (
        SweepConfigError,
        Sweeper,
        UnknownSessionError,
        load_sweep_config,
    )

    root = resolve_home(home)
    recorder = _LazyLedger(root)
    try:
        config = load_sweep_config(root)
        with AlertStore(root / "alerts.db") as alerts:
            sweeper = Sweeper(root, config=config, record=recorder.append, alerts=alerts)
            report = sweeper.run(pids=pid, coverage_session=coverage)
    except (
        SweepConfigError,
        UnknownSessionError,
        LedgerError,
        AlertStoreError,
        StateFileError,
        RegistryFileError,
        OSError,
    ) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    finally:
        recorder.close()
    if as_json:
        typer.echo(json.dumps(_as_json(report), indent=2))
    else:
        _print(report)
    raise typer.Exit(0 if report.clean else 1)


class _LazyLedger:
    """Opens the ledger only when there is something to record."""

    def __init__(self, home: Path) -> None:
        self._home = home
        self._ledger: SqliteLedger | PostgresLedger | None = None

    def append(self, events: Sequence[Event]) -> object:
        from watchkeeper.ledger import open_ledger

        if self._ledger is None:
            self._ledger = open_ledger(self._home)
        return self._ledger.append(events)

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()


def _as_json(report: SweepReport) -> dict[str, Any]:
    raised = {id(r.finding): r for r in report.raised}
    findings = []
    for finding in report.findings:
        outcome = raised.get(id(finding))
        findings.append(
            {
                "category": finding.category,
                "deployment": finding.deployment_id,
                "session": finding.session_id,
                "severity": finding.severity.value,
                "score": finding.score,
                "explanation": finding.explanation,
                "detail": finding.detail,
                "alert_id": None if outcome is None else outcome.alert_id,
                "new": bool(outcome and outcome.new),
            }
        )
    return {
        "at": report.at.isoformat(),
        "scanned": report.scanned,
        "clean": report.clean,
        "processes": [check.detail() for check in report.checks],
        "findings": findings,
        "coverage": [c.as_json() for c in report.coverage],
    }


def _print(report: SweepReport) -> None:
    console = Console(highlight=False, width=_WIDTH)
    if report.checks:
        table = Table("pid", "uid", "verdict", "signature", "marker", "command", "reason")
        for check in report.checks:
            p = check.process
            marker = f"{p.deployment or '-'}/{p.session or '-'}" if p.has_marker else ""
            table.add_row(
                str(p.pid),
                str(p.uid),
                "supervised" if check.authorised else "[red]ROGUE?[/red]",
                check.match.signature if check.match else "",
                marker,
                " ".join(p.argv)[:60],
                check.reason,
            )
        console.print(table)
    if report.coverage:
        _print_coverage(console, report.coverage)
    if report.raised:
        table = Table("alert", "category", "severity", "deployment/session", "", "explanation")
        for raised in report.raised:
            f = raised.finding
            table.add_row(
                str(raised.alert_id),
                f.category,
                f.severity.value,
                f"{f.deployment_id}/{f.session_id}",
                "new" if raised.new else "seen",
                f.explanation,
            )
        console.print(table)
    candidates = len(report.candidates)
    console.print(
        f"swept {report.scanned} processes: {candidates} rogue deployment candidate"
        f"{'' if candidates == 1 else 's'}, {len(report.findings)} finding"
        f"{'' if len(report.findings) == 1 else 's'}"
        + ("" if report.clean else " (see `watchkeeper alerts list`)")
    )


def _print_coverage(console: Console, reports: Sequence[CoverageReport]) -> None:
    table = Table(
        "session", "deployment", "execs", "call", "child", "allowed", "unmonitored", "coverage"
    )
    for c in reports:
        figure = "-" if c.coverage is None else f"{c.coverage:.1%}"
        table.add_row(
            c.session_id,
            c.deployment,
            str(c.total),
            str(c.counts.get("call", 0)),
            str(c.counts.get("child", 0)),
            str(c.counts.get("allowed", 0) + c.counts.get("root", 0)),
            str(len(c.unmonitored)),
            figure + ("" if c.hooked else " (not hooked)"),
        )
    console.print(table)


@contextlib.contextmanager
def sweeping(
    home: Path, record: Callable[[Sequence[Event]], object], interval: float | None
) -> Iterator[None]:
    """Run the periodic sweep of `home` around the block (`watchkeeper serve` uses this).

    Prints the interval (or that sweeping is off); an invalid `sweep.yaml` or alert store
    is a one-line error and exit code 2, before anything is served.
    """
    from watchkeeper.alerts import AlertStoreError
    from watchkeeper.sweep import SweepConfigError, periodic_sweep

    try:
        periodic = periodic_sweep(home, record=record, interval=interval)
    except (SweepConfigError, AlertStoreError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if periodic is None:
        typer.echo("  sweep:       off")
        yield
        return
    typer.echo(f"  sweep:       every {periodic.interval:g} s (`watchkeeper sweep` runs one now)")
    with periodic:
        yield
