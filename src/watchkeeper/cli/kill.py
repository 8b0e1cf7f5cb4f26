"""`watchkeeper kill`: the kill switch for a deployment, a session, or everything supervised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["kill", "register"]


def register(app: typer.Typer) -> None:
    """Add the `kill` command to `app`."""
    app.command("kill")(kill)


def kill(
    name: Annotated[str | None, typer.Argument(help="Deployment to contain.")] = None,
    *,
    session: Annotated[
        str | None, typer.Option(help="Contain only this supervised session.")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Contain every deployment and supervised session.")
    ] = False,
    reason: Annotated[str, typer.Option(help="Why; recorded with the revocation.")] = "",
    remove_persistence: Annotated[
        bool,
        typer.Option(help="Undo the persistence found (restore rc files/crontab, delete added)."),
    ] = False,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON instead of text.")
    ] = False,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
) -> None:
    """Revoke, freeze and kill NAME (or --session ID, or --all), then verify and report.

    Revokes the tokens first, freezes each session's cgroup and kills every process in it and
    every process on the host carrying its marker, sweeps for persistence created since the
    session started, verifies that nothing survived, no listener it held is still bound and no
    call was accepted since revocation, and records the report in the ledger. Exits 0 when
    contained, 1 when a check failed, 2 on bad input.
    """
    from watchkeeper.contain import ContainError, KillTarget, contain
    from watchkeeper.deployments import DeploymentError, open_registry
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError, open_ledger

    if sum((name is not None, session is not None, all_)) != 1:
        typer.echo("error: give exactly one of NAME, --session ID or --all", err=True)
        raise typer.Exit(2)
    root = resolve_home(home)
    target = KillTarget(name=name, session=session, everything=all_)
    try:
        with open_ledger(root) as ledger:
            report = contain(
                root,
                target,
                registry=open_registry(root),
                ledger=ledger,
                reason=reason,
                remove=remove_persistence,
            )
    except (ContainError, DeploymentError, LedgerError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if json_out:
        payload = {**report.model_dump(mode="json"), "contained": report.contained}
        typer.echo(json.dumps(payload, indent=2))
    else:
        for line in report.lines():
            typer.echo(line)
    raise typer.Exit(0 if report.contained else 1)
