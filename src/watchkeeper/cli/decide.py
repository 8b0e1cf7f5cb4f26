"""`watchkeeper decide`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `decide` command to `app`."""
