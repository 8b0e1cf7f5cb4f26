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
    from watchkeeper.cli import assess as assess_cli
    from watchkeeper.cli import bundle as bundle_cli
    from watchkeeper.cli import calibrate as calibrate_cli
    from watchkeeper.cli import db as db_cli
    from watchkeeper.cli import decide, demo, hook, install, ledger, mcp, policy, serve, token
    from watchkeeper.cli import deploy as deploy_cli
    from watchkeeper.cli import drill as drill_cli
    from watchkeeper.cli import eval as eval_cli
    from watchkeeper.cli import grant as grant_cli
    from watchkeeper.cli import import_ as import_cli
    from watchkeeper.cli import kill as kill_cli
    from watchkeeper.cli import report as report_cli
    from watchkeeper.cli import run as run_cli
    from watchkeeper.cli import sweep as sweep_cli
    from watchkeeper.cli import user as user_cli
    from watchkeeper.cli import worker as worker_cli

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
    app.add_typer(db_cli.app, name="db")
    app.add_typer(hook.app, name="hook")
    app.add_typer(install.app, name="install")
    app.add_typer(token.app, name="token")
    app.add_typer(deploy_cli.app, name="deploy")
    app.add_typer(alerts_cli.app, name="alerts")
    app.add_typer(mcp.app, name="mcp")
    app.add_typer(import_cli.app, name="import")
    app.add_typer(grant_cli.app, name="grant")
    app.add_typer(user_cli.app, name="user")
    app.add_typer(bundle_cli.app, name="bundle")
    calibrate_cli.register(app)
    eval_cli.register(app)
    decide.register(app)
    serve.register(app)
    demo.register(app)
    sweep_cli.register(app)
    run_cli.register(app)
    kill_cli.register(app)
    drill_cli.register(app)
    worker_cli.register(app)
    assess_cli.register(app)
    report_cli.register(app)
    return app
