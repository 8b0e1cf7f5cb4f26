"""`watchkeeper hook …`: the commands agents' hook systems run.

`watchkeeper hook claude-code` is dispatched by `cli.main` before typer is imported (it runs
on every tool call); this group exists so that `--help` and the CLI reference describe it.
"""

from __future__ import annotations

import typer

__all__ = ["app"]

app = typer.Typer(help="Commands that agent hook systems run on every event.", no_args_is_help=True)


@app.command("claude-code")
def claude_code() -> None:
    """Handle one Claude Code hook event: read its JSON on stdin, print the reply.

    Installed into Claude Code's settings by `watchkeeper install claude-code`. With
    WATCHKEEPER_URL (http://host:port or unix:///path) and WATCHKEEPER_TOKEN it asks that
    gateway; without, it decides locally against <home>/policy.yaml and records to
    WATCHKEEPER_DB (a PostgreSQL url) or else <home>/ledger.db.
    WATCHKEEPER_TIMEOUT (seconds, default 5) bounds the wait; a call the gateway holds
    for a reviewer is waited for up to WATCHKEEPER_APPROVAL_TIMEOUT (default 120) plus 10
    seconds. Any failure denies a PreToolUse call.
    """
    from watchkeeper.integrations.claude_code.hook_entry import run_hook

    raise typer.Exit(run_hook([]))
