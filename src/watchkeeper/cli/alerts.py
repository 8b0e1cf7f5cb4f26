"""`watchkeeper alerts …`: list, show and review the alerts monitors raised.

Every status change is also recorded in the ledger as a `Lifecycle(phase="alert-status")`
event, so reviewer actions are audited like everything else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["app"]

app = typer.Typer(help="List, show and review monitor alerts.", no_args_is_help=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
]
AlertId = Annotated[int, typer.Argument(help="Alert id, as `alerts list` shows it.")]


def _store(home: Path | None) -> Any:
    from watchkeeper.alerts import AlertStore
    from watchkeeper.home import resolve_home

    return AlertStore(resolve_home(home) / "alerts.db")


def _as_json(alert: Any) -> dict[str, Any]:
    return {
        "id": alert.id,
        "deployment": alert.deployment_id,
        "session": alert.session_id,
        "monitor": alert.monitor,
        "category": alert.category,
        "severity": alert.severity.value,
        "score": alert.score,
        "status": alert.status.value,
        "first_seen": alert.first_seen.isoformat(),
        "last_seen": alert.last_seen.isoformat(),
        "count": alert.count,
        "evidence": list(alert.evidence),
        "explanation": alert.explanation,
        "note": alert.note,
        "assignee": alert.assignee,
    }


@app.command("list")
def list_alerts(
    status: Annotated[
        str | None, typer.Option(help="Only this status: open, acknowledged, confirmed, dismissed.")
    ] = None,
    severity: Annotated[
        str | None, typer.Option(help="Only this severity or higher: info … critical.")
    ] = None,
    session: Annotated[str | None, typer.Option(help="Only alerts of this session.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    home: HomeOption = None,
) -> None:
    """List alerts, newest first."""
    from watchkeeper.alerts import AlertStatus
    from watchkeeper.events import Severity

    try:
        wanted_status = AlertStatus(status) if status is not None else None
        wanted_severity = Severity(severity) if severity is not None else None
    except ValueError as exc:
        typer.echo(f"error: {exc}; see `watchkeeper alerts list --help`", err=True)
        raise typer.Exit(2) from exc
    with _store(home) as store:
        alerts = store.list(status=wanted_status, min_severity=wanted_severity, session_id=session)
    if as_json:
        for alert in alerts:
            typer.echo(json.dumps(_as_json(alert)))
        return
    table = Table("id", "severity", "status", "category", "monitor", "score", "session", "count")
    for alert in alerts:
        table.add_row(
            str(alert.id),
            alert.severity.value,
            alert.status.value,
            alert.category,
            alert.monitor,
            f"{alert.score:.2f}",
            alert.session_id,
            str(alert.count),
        )
    Console(highlight=False, width=140).print(table)


@app.command("show")
def show(alert_id: AlertId, home: HomeOption = None) -> None:
    """Show one alert in full (JSON)."""
    from watchkeeper.alerts import AlertNotFoundError

    with _store(home) as store:
        try:
            alert = store.get(alert_id)
        except AlertNotFoundError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
    typer.echo(json.dumps(_as_json(alert), indent=2))


def _review(
    alert_id: int, status: str, note: str | None, home: Path | None, assignee: str | None = None
) -> None:
    from watchkeeper.alerts import AlertNotFoundError, AlertStatus
    from watchkeeper.events import Lifecycle
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import open_ledger

    root = resolve_home(home)
    with _store(root) as store:
        try:
            before = store.get(alert_id)
            alert = store.set_status(alert_id, AlertStatus(status), note=note, assignee=assignee)
        except AlertNotFoundError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from exc
    event = Lifecycle(
        deployment_id=alert.deployment_id,
        session_id=alert.session_id,
        phase="alert-status",
        detail={
            "alert_id": alert.id,
            "dedupe_key": alert.dedupe_key,
            "from": before.status.value,
            "to": alert.status.value,
            "note": note,
            "assignee": assignee,
        },
    )
    with open_ledger(root) as ledger:
        ledger.append([event])
    typer.echo(f"alert {alert.id}: {before.status.value} → {alert.status.value}")


@app.command("ack")
def ack(
    alert_id: AlertId,
    assignee: Annotated[str | None, typer.Option(help="Who is looking at it.")] = None,
    home: HomeOption = None,
) -> None:
    """Acknowledge an alert: someone is looking at it."""
    _review(alert_id, "acknowledged", None, home, assignee)


@app.command("confirm")
def confirm(
    alert_id: AlertId,
    note: Annotated[str | None, typer.Option(help="Why it is a real problem.")] = None,
    home: HomeOption = None,
) -> None:
    """Confirm an alert: it is a real problem."""
    _review(alert_id, "confirmed", note, home)


@app.command("dismiss")
def dismiss(
    alert_id: AlertId,
    note: Annotated[str, typer.Option(help="Why it is not a problem (required).")],
    home: HomeOption = None,
) -> None:
    """Dismiss an alert as a false positive, with a note saying why."""
    _review(alert_id, "dismissed", note, home)
