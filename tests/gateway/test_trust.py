"""The classifier of tools whose output is untrusted content."""

from __future__ import annotations

import pytest

from watchkeeper.gateway import is_untrusted_source


@pytest.mark.parametrize(
    "tool", ["WebFetch", "WebSearch", "mcp__github__get_issue", "fetch_url", "read_email"]
)
def test_external_content_tools_are_untrusted(tool: str) -> None:
    """Web, MCP and fetch/mail-like tools bring untrusted content."""
    assert is_untrusted_source(tool)


@pytest.mark.parametrize("tool", ["Read", "Bash", "Edit", "Write", "Grep", "Glob", "Task"])
def test_local_tools_are_trusted(tool: str) -> None:
    """Claude Code's local tools are not classed as untrusted sources."""
    assert not is_untrusted_source(tool)
