"""Agent text made safe to show: terminal escapes stripped, long text clipped with the rest kept.

Everything an agent produced (tool arguments, outputs, reasoning, alert explanations) is
hostile input. Templates escape it (autoescape); this module removes what escaping does not
(ANSI and other control sequences) and keeps a 1 MB output from making a page unusable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = ["HEAD_CHARS", "REST_CHARS", "Clipped", "clip", "plain"]

#: Characters shown before "show more".
HEAD_CHARS = 4096
#: Characters the "show more" part holds at most; anything beyond is counted, not sent.
REST_CHARS = 256 * 1024

# CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), other two-byte escapes, and C0/C1
# controls except tab and newline.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def plain(text: str) -> str:
    """Return `text` without terminal escape sequences and control characters."""
    return _ESCAPES.sub("", text)


@dataclass(frozen=True, slots=True)
class Clipped:
    """Text cut for a page: `head` is shown, `rest` sits behind "show more", `omitted`
    counts the characters not sent at all."""

    head: str
    rest: str = ""
    omitted: int = 0

    @property
    def empty(self) -> bool:
        """Whether there is nothing to show."""
        return not self.head


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return repr(value)


def clip(value: Any, *, head: int = HEAD_CHARS, rest: int = REST_CHARS) -> Clipped:
    """Return `value` (text, or JSON data shown indented) cleaned by `plain` and clipped."""
    text = _as_text(value)
    if len(text) > head + rest:
        # Clean only what can be shown: a huge blob is never scanned whole.
        shown, omitted = text[: head + rest], len(text) - head - rest
    else:
        shown, omitted = text, 0
    shown = plain(shown)
    return Clipped(shown[:head], shown[head:], omitted)
