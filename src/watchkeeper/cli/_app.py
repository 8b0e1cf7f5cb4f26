"""Assemble the typer application from one module per command group."""

from __future__ import annotations

import typer

__all__ = ["build_app"]


def _version(value: bool) -> None:
    if value:
        from watchkeeper import __version__

        typer.echo(f"watchkeeper {__version__}")
        raise typer.Exit


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Oversight for AI agents: decide tool calls, record them, verify the record."""


def build_app() -> typer.Typer:
    """Return the full `watchkeeper` CLI."""
    from watchkeeper.cli import alerts as alerts_cli
    from watchkeeper.cli import calibrate as calibrate_cli
    from watchkeeper.cli import decide, demo, hook, install, ledger, policy, serve, token
    from watchkeeper.cli import eval as eval_cli

    app = typer.Typer(
        name="watchkeeper",
        help="Oversight for AI agents: decide tool calls, record them, verify the record.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        callback=_root,
    )
    app.add_typer(policy.app, name="policy")
    app.add_typer(ledger.app, name="ledger")
    app.add_typer(hook.app, name="hook")
    app.add_typer(install.app, name="install")
    app.add_typer(token.app, name="token")
    app.add_typer(alerts_cli.app, name="alerts")
    calibrate_cli.register(app)
    eval_cli.register(app)
    decide.register(app)
    serve.register(app)
    demo.register(app)
    return app
