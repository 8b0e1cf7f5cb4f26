"""`watchkeeper token …`: issue, list and revoke gateway bearer tokens."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app", "parse_duration"]

app = typer.Typer(
    help="Issue more tokens for registered deployments, list and revoke tokens.",
    no_args_is_help=True,
)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(?:\d+[smhdw])+")

HomeOption = Annotated[
    Path | None,
    typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
]


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``, ``15m``, ``8h``, ``7d``, ``2w`` or combinations such as ``1h30m``."""
    if not _DURATION.fullmatch(text):
        raise typer.BadParameter(f"duration `{text}` is not valid; write it like 8h, 30m or 1d12h")
    seconds = sum(int(n) * _UNITS[u] for n, u in re.findall(r"(\d+)([smhdw])", text))
    if seconds <= 0:
        raise typer.BadParameter(f"duration `{text}` is zero; give a positive duration")
    return timedelta(seconds=seconds)


@app.command("issue")
def issue(
    deployment: Annotated[str, typer.Argument(help="Registered deployment the token acts for.")],
    expires: Annotated[
        str | None,
        typer.Option(help="Lifetime such as 8h, 30m or 7d (default: the deployment's)."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Issue another token for registered DEPLOYMENT and print it (shown only this once).

    The deployment must be registered and active (`watchkeeper deploy register`); the token
    never outlives it. The issue is recorded in the ledger.
    """
    from watchkeeper.cli.deploy import os_user
    from watchkeeper.deployments import DeploymentError, DeploymentNotFoundError, open_registry
    from watchkeeper.home import resolve_home

    lifetime = parse_duration(expires) if expires is not None else None
    try:
        token = open_registry(resolve_home(home)).issue_token(
            deployment, actor=os_user(), expires=lifetime
        )
    except DeploymentNotFoundError as exc:
        typer.echo(
            f"error: deployment `{deployment}` is not registered; register it with "
            f"`watchkeeper deploy register {deployment} --owner WHO --purpose TEXT`, "
            "which prints its first token",
            err=True,
        )
        raise typer.Exit(2) from exc
    except DeploymentError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(token)


@app.command("list")
def list_tokens(home: HomeOption = None) -> None:
    """List tokens: prefix, deployment, created, expiry and status (never the tokens)."""
    from watchkeeper.clock import utcnow
    from watchkeeper.gateway import TokenStore
    from watchkeeper.home import resolve_home

    now = utcnow()
    records = TokenStore(resolve_home(home) / "tokens.json").list()
    if not records:
        typer.echo("no tokens; issue one with `watchkeeper token issue DEPLOYMENT`")
        return
    for record in records:
        if record.revoked:
            status = "revoked"
        elif not record.active(now):
            status = "expired"
        else:
            status = "admin" if record.admin else "active"
        expiry = record.expires.isoformat(timespec="seconds") if record.expires else "never"
        created = record.created.isoformat(timespec="seconds")
        typer.echo(
            f"{record.prefix}…  {record.deployment_id}  created {created}  "
            f"expires {expiry}  {status}"
        )


@app.command("revoke")
def revoke(
    target: Annotated[str, typer.Argument(help="A deployment id, or a token prefix from `list`.")],
    home: HomeOption = None,
) -> None:
    """Revoke every token of a deployment, or the one token with the given prefix.

    The deployment stays registered (`watchkeeper deploy revoke` ends it); the revocation is
    recorded in the ledger.
    """
    from watchkeeper.cli.deploy import os_user
    from watchkeeper.deployments import DeploymentError, open_registry
    from watchkeeper.gateway import TokenNotFoundError
    from watchkeeper.home import resolve_home

    registry = open_registry(resolve_home(home))
    try:
        revoked = registry.revoke_tokens(target.rstrip("…"), actor=os_user())
    except (TokenNotFoundError, DeploymentError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for record in revoked:
        typer.echo(f"revoked {record.prefix}…  {record.deployment_id}")
