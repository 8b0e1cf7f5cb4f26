"""`watchkeeper deploy …`: register, inspect, suspend, resume and revoke deployments.

Every change is recorded in the ledger as a `deployment` event, with the OS user who ran
the command as its actor. A running gateway sees each change at its next request.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from watchkeeper.deployments import Deployment, Registry

__all__ = ["app", "os_user"]

app = typer.Typer(
    help="Register deployments (authorised agents) and suspend, resume or revoke them.",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path | None,
    typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
]
NameArgument = Annotated[str, typer.Argument(help="Deployment name, as `deploy list` shows it.")]
ReasonOption = Annotated[str, typer.Option(help="Why; recorded in the registry and the ledger.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def os_user() -> str:
    """Return the name of the OS user running this process (its uid when it has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def _registry(home: Path | None) -> Registry:
    from watchkeeper.deployments import open_registry
    from watchkeeper.home import resolve_home

    return open_registry(resolve_home(home))


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code)


@app.command("register")
def register(
    name: Annotated[str, typer.Argument(help="Name of the new deployment.")],
    *,
    owner: Annotated[str, typer.Option(help="Who is responsible for it (person or team).")],
    purpose: Annotated[str, typer.Option(help="What it is for.")],
    policy: Annotated[
        Path | None,
        typer.Option(help="Its own policy file (default: the gateway's policy)."),
    ] = None,
    expires: Annotated[
        str | None, typer.Option(help="Lifetime such as 8h, 30m or 7d (default: never).")
    ] = None,
    max_procs: Annotated[
        int | None,
        typer.Option(min=1, help="Most processes at once under `watchkeeper run`."),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host it may contact (repeat; globs like *.example.com). "
            "When given, every other host is denied."
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Register deployment NAME and print its token (shown only this once) on stdout."""
    from watchkeeper.cli.token import parse_duration
    from watchkeeper.clock import utcnow
    from watchkeeper.deployments import DeploymentError
    from watchkeeper.gateway import DeploymentIdError, TokenStoreError

    expiry = utcnow() + parse_duration(expires) if expires is not None else None
    policy_path = str(policy.expanduser().resolve()) if policy is not None else None
    try:
        deployment, token = _registry(home).register(
            name,
            owner=owner,
            purpose=purpose,
            policy=policy_path,
            expires=expiry,
            max_procs=max_procs,
            allow_hosts=tuple(allow_host or ()),
            actor=os_user(),
        )
    except (DeploymentIdError, DeploymentError, TokenStoreError) as exc:
        raise _fail(exc, 2 if isinstance(exc, ValueError) else 1) from exc
    typer.echo(token)
    until = deployment.expires.isoformat(timespec="seconds") if deployment.expires else "never"
    typer.echo(
        f"registered `{deployment.name}` (expires {until}); the token above is shown only "
        "once — give it to the agent as WATCHKEEPER_TOKEN",
        err=True,
    )


@app.command("list")
def list_deployments(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """List deployments: name, state, owner, expiry, policy and limits."""
    from watchkeeper.clock import utcnow
    from watchkeeper.deployments import DeploymentError

    now = utcnow()
    try:
        found = _registry(home).list()
    except DeploymentError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps([_as_json(d, now) for d in found], indent=2))
        return
    if not found:
        typer.echo("no deployments; register one with `watchkeeper deploy register NAME`")
        return
    for d in found:
        until = d.expires.isoformat(timespec="seconds") if d.expires else "never"
        typer.echo(
            f"{d.name}  {d.state(now)}  owner {d.owner}  expires {until}  "
            f"policy {d.policy or 'gateway'}  hosts {','.join(d.allow_hosts) or 'any'}  "
            f"max-procs {d.max_procs or '-'}"
        )


@app.command("show")
def show(name: NameArgument, home: HomeOption = None, as_json: JsonOption = False) -> None:
    """Show one deployment and its tokens (prefixes and status, never the tokens)."""
    from watchkeeper.clock import utcnow
    from watchkeeper.deployments import DeploymentError, DeploymentNotFoundError
    from watchkeeper.gateway import TokenStoreError

    now = utcnow()
    registry = _registry(home)
    try:
        found = registry.get(name)
        records = registry.token_records(name)
    except (DeploymentError, TokenStoreError) as exc:
        raise _fail(exc) from exc
    if found is None:
        raise _fail(
            DeploymentNotFoundError(
                f"no deployment is registered as `{name}`; run `watchkeeper deploy list`"
            )
        )
    tokens = [
        {
            "prefix": r.prefix + "…",
            "created": r.created.isoformat(timespec="seconds"),
            "expires": r.expires.isoformat(timespec="seconds") if r.expires else None,
            "status": "revoked" if r.revoked else ("active" if r.active(now) else "expired"),
        }
        for r in records
    ]
    if as_json:
        typer.echo(json.dumps({**_as_json(found, now), "tokens": tokens}, indent=2))
        return
    for key, value in _as_json(found, now).items():
        shown = ", ".join(value) if isinstance(value, list) else value
        typer.echo(f"{key + ':':<13}{'-' if shown in (None, '', []) else shown}")
    for token in tokens:
        typer.echo(
            f"token:       {token['prefix']}  created {token['created']}  "
            f"expires {token['expires'] or 'never'}  {token['status']}"
        )


def _change(action: str, name: str, reason: str, home: Path | None) -> None:
    from watchkeeper.deployments import DeploymentError
    from watchkeeper.gateway import TokenStoreError

    registry = _registry(home)
    change = {"suspend": registry.suspend, "resume": registry.resume, "revoke": registry.revoke}
    try:
        changed = change[action](name, actor=os_user(), reason=reason)
    except (DeploymentError, TokenStoreError) as exc:
        raise _fail(exc) from exc
    typer.echo(f"{changed.name}: {changed.status}")


@app.command("suspend")
def suspend(name: NameArgument, reason: ReasonOption = "", home: HomeOption = None) -> None:
    """Deny every call of NAME at once, until `deploy resume`."""
    _change("suspend", name, reason, home)


@app.command("resume")
def resume(name: NameArgument, reason: ReasonOption = "", home: HomeOption = None) -> None:
    """Let a suspended deployment make calls again."""
    _change("resume", name, reason, home)


@app.command("revoke")
def revoke(name: NameArgument, reason: ReasonOption = "", home: HomeOption = None) -> None:
    """Revoke NAME for good: every token of it stops working at once."""
    _change("revoke", name, reason, home)


def _as_json(deployment: Deployment, now: Any) -> dict[str, Any]:
    data = deployment.model_dump(mode="json")
    return {
        "name": data["name"],
        "state": deployment.state(now),
        "status": data["status"],
        "owner": data["owner"],
        "purpose": data["purpose"],
        "created": data["created"],
        "expires": data["expires"],
        "policy": data["policy"],
        "allow_hosts": data["allow_hosts"],
        "max_procs": data["max_procs"],
        "reason": data["reason"],
    }
