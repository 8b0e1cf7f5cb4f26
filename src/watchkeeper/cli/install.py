"""`watchkeeper install …`: put watchkeeper's hooks into an agent's settings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(help="Install watchkeeper's hooks into agents' settings.", no_args_is_help=True)


@app.command("claude-code")
def claude_code(
    project: Annotated[
        Path | None,
        typer.Option(
            help="Project whose .claude/settings.json to change (default: this directory)."
        ),
    ] = None,
    user: Annotated[
        bool, typer.Option("--user", help="Change ~/.claude/settings.json instead.")
    ] = False,
    uninstall: Annotated[
        bool, typer.Option("--uninstall", help="Remove watchkeeper's hooks, and nothing else.")
    ] = False,
    url: Annotated[
        str | None,
        typer.Option(help="Gateway URL written into the hook command as WATCHKEEPER_URL."),
    ] = None,
    console_script: Annotated[
        bool,
        typer.Option(
            "--console-script",
            help="Run the `watchkeeper` script instead of the faster `python -S` hook entry.",
        ),
    ] = False,
) -> None:
    """Add watchkeeper's hook for every Claude Code event to settings.json (idempotent).

    Other settings and other hooks are kept as they are; the old file is backed up beside
    it. Export WATCHKEEPER_TOKEN where Claude Code starts when using a gateway: the token is
    never written to settings.
    """
    from watchkeeper.integrations.claude_code import (
        SettingsError,
        hook_command,
        install_hooks,
        uninstall_hooks,
    )

    if user and project is not None:
        typer.echo("error: give either --project or --user, not both", err=True)
        raise typer.Exit(2)
    base = Path.home() if user else (project if project is not None else Path.cwd())
    path = base.expanduser().resolve() / ".claude" / "settings.json"
    try:
        if uninstall:
            change = uninstall_hooks(path)
        else:
            change = install_hooks(path, hook_command(url=url, fast=not console_script))
    except (SettingsError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if not change.changed:
        typer.echo(f"{path}: already {'clean' if uninstall else 'up to date'}; nothing changed")
        return
    verb = "removed from" if uninstall else "installed in"
    typer.echo(f"watchkeeper hooks {verb} {path} ({', '.join(change.events)})")
    if change.backup is not None:
        typer.echo(f"backup of the previous file: {change.backup}")


@app.command("mcp")
def mcp(
    config: Annotated[
        Path,
        typer.Option(
            help="MCP client config with `mcpServers` (Claude Code's .mcp.json, "
            "Claude Desktop's claude_desktop_config.json)."
        ),
    ] = Path(".mcp.json"),
    uninstall: Annotated[
        bool, typer.Option("--uninstall", help="Restore every wrapped server's own command.")
    ] = False,
    on_change: Annotated[
        str | None,
        typer.Option(help="Passed to `mcp stdio --on-change` for every server: block | alert."),
    ] = None,
) -> None:
    """Run every stdio MCP server of a client config behind the watchkeeper gateway.

    Each server's command becomes `watchkeeper mcp stdio --name NAME -- <its command>`;
    the original is kept in the arguments, so --uninstall restores it exactly. Servers
    reached over HTTP are listed and left unchanged. The old file is backed up beside it.
    """
    from watchkeeper.integrations._config_file import ConfigFileError
    from watchkeeper.integrations.mcp._install import install_mcp, uninstall_mcp

    if on_change not in (None, "block", "alert"):
        typer.echo("error: --on-change is `block` or `alert`", err=True)
        raise typer.Exit(2)
    extra = ("--on-change", on_change) if on_change else ()
    path = config.expanduser().resolve()
    try:
        change = uninstall_mcp(path) if uninstall else install_mcp(path, extra_args=extra)
    except (ConfigFileError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    done = change.unwrapped if uninstall else change.wrapped
    verb = "restored" if uninstall else "now behind watchkeeper"
    typer.echo(f"{path}: {verb}: {', '.join(done) if done else 'none'}")
    for name, reason in change.skipped:
        typer.echo(f"  {name}: left unchanged ({reason})")
    if change.backup is not None:
        typer.echo(f"backup of the previous file: {change.backup}")
