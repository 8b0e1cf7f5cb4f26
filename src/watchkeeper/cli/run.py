"""`watchkeeper run`: start an agent confined and supervised under a registered deployment."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register", "run"]

_DEFAULT_URL = "http://127.0.0.1:8470"


def register(app: typer.Typer) -> None:
    """Add the `run` command to `app`."""
    app.command(
        "run",
        context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
    )(run)


def run(
    command: Annotated[
        list[str], typer.Argument(help="The agent's command and its arguments (after `--`).")
    ],
    *,
    deployment: Annotated[
        str, typer.Option("--deployment", "-d", help="Registered deployment to run as.")
    ],
    backend: Annotated[
        str, typer.Option(help="Confinement: auto, cgroup2, cgroup1 or pgroup.")
    ] = "auto",
    url: Annotated[
        str | None,
        typer.Option(help="Gateway URL given to the agent (default: $WATCHKEEPER_URL or 8470)."),
    ] = None,
    heartbeat: Annotated[float, typer.Option(min=0.1, help="Seconds between heartbeats.")] = 5.0,
    remove_persistence: Annotated[
        bool,
        typer.Option(help="Undo persistence the agent left (crontab, rc lines, units…) at exit."),
    ] = False,
    cron_spool: Annotated[
        list[Path] | None,
        typer.Option(help="Crontab spool directory to watch (repeatable; default: the system's)."),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
) -> None:
    """Run CMD as deployment NAME in its own cgroup, recording every process it starts.

    The agent gets WATCHKEEPER_URL, a session token (WATCHKEEPER_TOKEN, revoked when the
    session ends), WATCHKEEPER_DEPLOYMENT and WATCHKEEPER_SESSION. A `claude` command also
    gets watchkeeper's hooks through `--settings` (your own settings are not touched). When
    the agent exits, whatever it left running is killed and persistence it created is
    reported. Exits with the agent's status.
    """
    from watchkeeper.deployments import DeploymentError, open_registry
    from watchkeeper.home import resolve_home
    from watchkeeper.ledger import LedgerError, open_ledger
    from watchkeeper.supervise import (
        DEFAULT_CRON_SPOOLS,
        RunError,
        RunRequest,
        Supervisor,
    )

    if backend not in ("auto", "cgroup2", "cgroup1", "pgroup"):
        typer.echo(
            f"error: backend `{backend}` is not one of auto, cgroup2, cgroup1, pgroup", err=True
        )
        raise typer.Exit(2)
    root = resolve_home(home)
    request = RunRequest(
        home=root,
        deployment=deployment,
        command=tuple(command),
        cwd=Path.cwd(),
        env=dict(os.environ),
        url=url or os.environ.get("WATCHKEEPER_URL") or _DEFAULT_URL,
        backend=backend,  # type: ignore[arg-type]  # checked against the four names above
        heartbeat_interval=heartbeat,
        cron_spools=tuple(str(p) for p in cron_spool) if cron_spool else DEFAULT_CRON_SPOOLS,
        remove_persistence=remove_persistence,
    )
    try:
        with open_ledger(root) as ledger:
            outcome = Supervisor(request, open_registry(root), ledger).run()
    except (RunError, DeploymentError, LedgerError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    summary = (
        f"watchkeeper: session {outcome.session.session_id} ended with status "
        f"{outcome.exit_code}; {outcome.processes_seen} processes recorded"
    )
    if outcome.leftovers_killed:
        summary += f"; killed {outcome.leftovers_killed} left running"
    typer.echo(summary, err=True)
    for finding in outcome.persistence:
        typer.echo(f"watchkeeper: persistence {finding.describe()}", err=True)
    raise typer.Exit(outcome.exit_code)
