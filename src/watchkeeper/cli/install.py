"""`watchkeeper install …` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="install commands", no_args_is_help=True)
