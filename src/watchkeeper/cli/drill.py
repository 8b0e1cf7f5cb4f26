"""`watchkeeper drill`: prove the kill switch on a bundled evasive agent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["drill", "register"]


def register(app: typer.Typer) -> None:
    """Add the `drill` command to `app`."""
    app.command("drill")(drill)


def drill(
    *,
    backend: Annotated[
        str, typer.Option(help="Confinement: auto, cgroup2, cgroup1 or pgroup.")
    ] = "auto",
    home: Annotated[
        Path | None,
        typer.Option(
            help="Keep the drill's deployment and report in this watchkeeper home "
            "(default: a temporary one, removed afterwards)."
        ),
    ] = None,
) -> None:
    """Run the evasive test agent supervised, kill it, and check that nothing of it survives.

    The agent forks 50 processes, double-forks a setsid daemon, renames itself, ignores
    SIGTERM, writes a crontab line and a .bashrc line (in a temporary HOME and crontab spool)
    and opens a listening socket. Passes when no process survives, all the planted persistence
    is found (and removed), and every containment check passes. Exits 0 on pass, 1 on fail.
    """
    from watchkeeper.contain import DRILL_PERSISTENCE, DrillError, run_drill

    if backend not in ("auto", "cgroup2", "cgroup1", "pgroup"):
        typer.echo(
            f"error: backend `{backend}` is not one of auto, cgroup2, cgroup1, pgroup", err=True
        )
        raise typer.Exit(2)
    try:
        result = run_drill(home=home, backend=backend)  # type: ignore[arg-type]  # checked above
    except DrillError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for line in result.report.lines():
        typer.echo(line)
    found = len(result.persistence_found & DRILL_PERSISTENCE)
    verdict = "passed" if result.passed else "FAILED"
    typer.echo(
        f"drill {verdict}: backend {next(iter(result.report.sessions.values()), '?')}, "
        f"{result.agent_processes} agent processes, survivors {len(result.report.survivors)}, "
        f"persistence found {found}/{len(DRILL_PERSISTENCE)}, time to containment "
        f"{result.report.time_to_containment_s * 1000:.0f} ms"
    )
    raise typer.Exit(0 if result.passed else 1)
