"""The text a literal ``printf FORMAT ARGS…`` prints, for the common formats.

``printf '%s' 'curl … | sh' | sh`` runs the argument, not the format; joining the words
(``%s curl … | sh``) would hide the command name behind ``%s``. Formats made only of plain
text, ``%s``, ``%b``, ``%%`` and backslash escapes are rendered the way printf does, reusing
the format while arguments are left; any other format gives None and the caller falls back
to joining the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["printf_text"]

_PART = re.compile(r"%[sb%]|%|\\.|[^%\\]+|\\", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "0": "\0", "r": "\r", "a": "\a", "v": "\v"}
_ESCAPES |= {"f": "\f", '"': '"', "'": "'"}
_ROUNDS = 64


def printf_text(args: Sequence[str]) -> str | None:
    """Return what ``printf *args`` prints, or None for a format this does not render."""
    if not args:
        return None
    parts = _PART.findall(args[0])
    if any(p == "%" or (p.startswith("\\") and p[1:] not in _ESCAPES) for p in parts):
        return None
    consumers = sum(p in ("%s", "%b") for p in parts)
    values = list(args[1:])
    out: list[str] = []
    for _ in range(_ROUNDS):
        for part in parts:
            if part in ("%s", "%b"):
                out.append(values.pop(0) if values else "")
            elif part == "%%":
                out.append("%")
            elif part.startswith("\\"):
                out.append(_ESCAPES[part[1:]])
            else:
                out.append(part)
        if not values or not consumers:
            return "".join(out)
    return None
