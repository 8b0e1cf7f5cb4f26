"""The text an edit adds, and the lines that hold a match: what the tampering and skip checks
compare between a file's text before and after an edit."""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["added_text", "first_line", "line_with", "new_match"]


def added_text(before: str, after: str) -> str:
    """The lines of `after` that `before` does not hold, in order."""
    old = set(before.splitlines())
    return "\n".join(line for line in after.splitlines() if line not in old)


def new_match(pattern: re.Pattern[str], before: str, after: str) -> str | None:
    """The first match of `pattern` that `after` has more often than `before`."""
    seen = Counter(m.group(0) for m in pattern.finditer(before))
    now = Counter(m.group(0) for m in pattern.finditer(after))
    for text, count in now.items():
        if count > seen[text]:
            return text
    return None


def line_with(text: str, needle: str) -> str:
    """The first line of `text` that holds `needle`, stripped, or `needle` itself."""
    for line in text.splitlines():
        if needle in line:
            return line.strip()[:200]
    return needle


def first_line(text: str) -> str:
    """The first non-blank line of `text`, stripped."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""
