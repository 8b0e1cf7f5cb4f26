"""The `watchkeeper` console script.

`watchkeeper hook claude-code` runs on every tool call Claude Code makes, so it is
dispatched before typer (and everything else) is imported.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Entry point of the `watchkeeper` command."""
    argv = sys.argv[1:]
    if argv[:2] == ["hook", "claude-code"]:
        from watchkeeper.integrations.claude_code.hook_entry import main as hook_main

        hook_main(argv[2:])
    from watchkeeper.cli._app import build_app

    build_app()(prog_name="watchkeeper")
