"""`watchkeeper db …`: create and upgrade the schema of a PostgreSQL ledger."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from watchkeeper.ledger import (
    DB_ENV,
    POSTGRES_SCHEMA_VERSION,
    LedgerError,
    database_version,
    display_url,
    is_postgres_url,
    upgrade_schema,
)

__all__ = ["app"]

app = typer.Typer(
    help="Create and upgrade the schema of a PostgreSQL ledger.", no_args_is_help=True
)

UrlOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        show_envvar=False,
        help=f"PostgreSQL url, e.g. postgresql://user@host/db (default: ${DB_ENV}).",
    ),
]


def _postgres_url(console: Console, url: str) -> str:
    if not is_postgres_url(url):
        console.print(
            Text(
                f"`{url}` is not a postgresql:// url; SQLite ledgers need no upgrade, "
                "pass --db postgresql://…",
                style="red",
            )
        )
        raise typer.Exit(2)
    return url


@app.command()
def upgrade(db: UrlOption) -> None:
    """Apply every schema migration the database lacks (safe to run again, and concurrently)."""
    console = Console(highlight=False, soft_wrap=True)
    url = _postgres_url(console, db)
    try:
        report = upgrade_schema(url)
    except LedgerError as exc:
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from exc
    for migration in report.applied:
        console.print(f"applied migration {migration.version}: {migration.description}")
    if report.applied:
        console.print(
            Text(
                f"ledger database `{display_url(url)}` upgraded from schema version "
                f"{report.before} to {report.after}",
                style="bold green",
            )
        )
    else:
        console.print(
            f"ledger database `{display_url(url)}` is already at schema version {report.after}"
        )


@app.command()
def status(db: UrlOption) -> None:
    """Print the database's schema version; exit 1 unless it is the one this watchkeeper needs."""
    console = Console(highlight=False, soft_wrap=True)
    url = _postgres_url(console, db)
    try:
        version = database_version(url)
    except LedgerError as exc:
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from exc
    console.print(
        f"ledger database `{display_url(url)}`: schema version {version} "
        f"(this watchkeeper needs {POSTGRES_SCHEMA_VERSION})"
    )
    if version != POSTGRES_SCHEMA_VERSION:
        raise typer.Exit(1)
