"""`watchkeeper grant …`: list and revoke the grants reviewers made while approving."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(
    help="List and revoke grants: scoped, expiring allows made while approving an ask.",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path | None,
    typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
]


@app.command("list")
def list_grants(
    home: HomeOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also show revoked and expired grants.")
    ] = False,
) -> None:
    """List active grants: id, deployment, what they allow, until when, who made them."""
    from watchkeeper.clock import utcnow
    from watchkeeper.home import resolve_home
    from watchkeeper.review import GrantError, open_grants

    try:
        grants = open_grants(resolve_home(home)).list(include_ended=show_all)
    except GrantError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not grants:
        typer.echo("no grants; reviewers make them while approving an ask (see docs/review.md)")
        return
    now = utcnow()
    for grant in grants:
        if grant.revoked_at is not None:
            status = f"revoked by {grant.revoked_by}"
        elif not grant.active(now):
            status = "expired"
        else:
            status = "active"
        reason = f"  ({grant.spec.reason})" if grant.spec.reason else ""
        typer.echo(f"{grant.id}  {grant.describe()}  by {grant.spec.created_by}  {status}{reason}")


@app.command("revoke")
def revoke(
    grant_id: Annotated[str, typer.Argument(metavar="ID", help="A grant id from `list`.")],
    reason: Annotated[str, typer.Option(help="Why, kept in the ledger.")] = "",
    home: HomeOption = None,
) -> None:
    """Revoke grant ID now; the revocation is recorded in the ledger.

    A running gateway reads the grants file on every `ask`, so the next such call asks again.
    """
    from watchkeeper.cli.deploy import os_user
    from watchkeeper.home import resolve_home
    from watchkeeper.review import GrantError, GrantNotFoundError, open_grants

    try:
        grant = open_grants(resolve_home(home)).revoke(grant_id, by=os_user(), reason=reason)
    except GrantNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except GrantError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"revoked {grant.id}: {grant.describe()}")
