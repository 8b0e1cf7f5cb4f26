"""`watchkeeper user …`: add, list and disable the people who may sign in to the review UI.

Passwords are read from stdin (`--password-stdin`) or typed at a hidden prompt, never taken
as an argument (it would land in shell history and `ps`) and never printed. Every change is
a `review` event in the ledger with reviewer `cli` and the OS user in its detail.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from watchkeeper.accounts import User, UserStore

__all__ = ["app", "read_password"]

app = typer.Typer(
    help="Manage review UI accounts: add reviewers and admins, list them, disable them.",
    no_args_is_help=True,
)

HomeOption = Annotated[
    Path | None,
    typer.Option(help="watchkeeper home (default: $WATCHKEEPER_HOME or ~/.watchkeeper)."),
]
NameArgument = Annotated[str, typer.Argument(help="User name, as `user list` shows it.")]


def read_password(text: str) -> str:
    """Return the password piped in as `text`, without one trailing newline."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text


def _store(home: Path | None) -> UserStore:
    from watchkeeper.accounts import open_user_store
    from watchkeeper.home import resolve_home

    return open_user_store(resolve_home(home))


def _fail(exc: Exception, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return read_password(sys.stdin.read())
    if not sys.stdin.isatty():
        raise _fail(
            ValueError("stdin is not a terminal; pipe the password in with `--password-stdin`"),
            2,
        )
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Name of the new user (a-z 0-9 . _ -).")],
    *,
    role: Annotated[
        str, typer.Option(help="`reviewer` (triage and approve) or `admin` (also deployments).")
    ],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from stdin (one trailing newline is dropped).",
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Add user NAME with ROLE; the password (at least 12 characters) comes from stdin or a
    hidden prompt."""
    from watchkeeper.accounts import AccountError, Role
    from watchkeeper.cli.deploy import os_user

    try:
        chosen = Role(role)
    except ValueError as exc:
        raise _fail(
            ValueError(f"role `{role}` is not known; use `reviewer` or `admin`"), 2
        ) from exc
    password = _password(password_stdin)
    try:
        user = _store(home).add(name, chosen, password, detail={"os_user": os_user()})
    except AccountError as exc:
        raise _fail(exc, 2 if isinstance(exc, ValueError) else 1) from exc
    typer.echo(f"added {user.role} `{user.name}`; they can sign in at /login")


@app.command("list")
def list_users(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """List users: name, role, status and when they were added (never password hashes)."""
    from watchkeeper.accounts import AccountError

    try:
        found = _store(home).list()
    except AccountError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps([_as_json(user) for user in found], indent=2))
        return
    if not found:
        typer.echo("no users; add one with `watchkeeper user add NAME --role admin`")
        return
    for user in found:
        status = "disabled" if user.disabled else "active"
        created = user.created_at.isoformat(timespec="seconds")
        typer.echo(f"{user.name}  {user.role}  {status}  added {created}")


@app.command("disable")
def disable(name: NameArgument, home: HomeOption = None) -> None:
    """Disable user NAME: they cannot sign in, and their sessions end at their next request."""
    from watchkeeper.accounts import AccountError, UserNotFoundError
    from watchkeeper.cli.deploy import os_user

    try:
        user = _store(home).disable(name, detail={"os_user": os_user()})
    except UserNotFoundError as exc:
        raise _fail(exc, 2) from exc
    except AccountError as exc:
        raise _fail(exc) from exc
    typer.echo(f"disabled `{user.name}`; their sessions end at their next request")


def _as_json(user: User) -> dict[str, object]:
    return {
        "name": user.name,
        "role": str(user.role),
        "disabled": user.disabled,
        "created_at": user.created_at.isoformat(),
        "disabled_at": user.disabled_at.isoformat() if user.disabled_at else None,
    }
