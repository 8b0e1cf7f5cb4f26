"""Which tools bring content from outside the trust boundary into a session.

The classifier is deliberately small and errs towards "untrusted": a false positive only
makes the policy stricter for the rest of the session, a false negative lets injected text
steer the agent unnoticed.
"""

from __future__ import annotations

import re

__all__ = ["UNTRUSTED_TOOLS", "is_untrusted_source"]

#: Claude Code tools whose output is fetched from the internet.
UNTRUSTED_TOOLS = frozenset({"WebFetch", "WebSearch"})

# Words in a generic tool name that suggest it reads external content.
_EXTERNAL_WORDS = frozenset(
    {
        "browse",
        "browser",
        "crawl",
        "curl",
        "download",
        "email",
        "fetch",
        "http",
        "inbox",
        "mail",
        "rss",
        "scrape",
        "search",
        "slack",
        "url",
        "web",
        "wget",
    }
)

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def is_untrusted_source(tool: str) -> bool:
    """Return whether output of `tool` counts as untrusted content.

    Untrusted: `WebFetch`, `WebSearch`, every MCP tool (``mcp__server__tool``), and any tool
    whose name contains a word such as ``fetch``, ``web``, ``url``, ``browser`` or ``mail``
    (split on camel case, ``_``, ``-`` and ``.``).
    """
    if tool in UNTRUSTED_TOOLS or tool.startswith("mcp__"):
        return True
    words = {word.lower() for word in _WORD.findall(tool)}
    return not words.isdisjoint(_EXTERNAL_WORDS)
