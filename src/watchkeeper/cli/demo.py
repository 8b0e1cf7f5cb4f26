"""`watchkeeper demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the `demo` command to `app`."""
    app.command("demo")(demo)


def demo(
    *,
    home: Annotated[
        Path | None,
        typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
    ] = None,
    port: Annotated[
        int, typer.Option(help="TCP port for the gateway (a free one if it is taken).")
    ] = 8470,
    exit_after: Annotated[
        bool, typer.Option("--exit", help="Stop after the replay instead of serving on.")
    ] = False,
) -> None:
    """Start a gateway, replay a Claude Code session through the real hook, verify the ledger.

    The session (ordinary work, plus calls the built-in policy denies or asks about) is
    sent event by event through `watchkeeper hook claude-code`; the table shows each
    decision and the rule behind it. The gateway keeps serving until Ctrl-C.
    """
    from watchkeeper.demo import run_demo
    from watchkeeper.home import resolve_home

    raise typer.Exit(run_demo(resolve_home(home), port=port, exit_after=exit_after))
