"""Wiring watchkeeper's hooks into one Claude Code child, leaving the user's settings alone.

`watchkeeper run -- claude …` writes a settings file of its own for the session (the same
hook entries `watchkeeper install claude-code` installs) and passes it with ``--settings``;
Claude Code layers it over the user's settings for that process only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = ["is_claude_code", "with_claude_hooks"]


def is_claude_code(argv: Sequence[str]) -> bool:
    """Return whether `argv` starts Claude Code (its command is named ``claude``)."""
    return bool(argv) and os.path.basename(argv[0]) == "claude"


def with_claude_hooks(argv: Sequence[str], settings_path: Path, url: str | None) -> list[str]:
    """Write the session's hook settings to `settings_path`; return `argv` with ``--settings``."""
    from watchkeeper.integrations.claude_code import hook_command, install_hooks

    settings_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings_path.unlink(missing_ok=True)
    install_hooks(settings_path, hook_command(url=url))
    os.chmod(settings_path, 0o600)
    return [argv[0], "--settings", str(settings_path), *argv[1:]]
