"""What the shell variables of one line hold, as far as the line itself says.

``f=/; rm -rf $f`` removes ``/``: a variable assigned a literal exactly once earlier in the
line is known, and `fill_in` puts its value into later words. In the body of a ``for`` over
literal words the variable holds each word in turn (the walker walks the body once per
word). A variable assigned twice, set by a command (``read``, ``mapfile``, ``getopts``,
``printf -v``, ``local``, ``declare``, ``unset``), by a ``for`` over words built at run time
or after the loop, or set in an earlier call, is not known for sure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["Variables"]

#: ``${NAME}`` (with an optional ``:-``/``-``/``:=``/``=``/``:+``/``+``/``:?``/``?`` and a word
#: holding no expansion) or ``$NAME``.
_REFERENCE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+?])([^{}$`]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
# Commands that set the variables they name: their later values are unknown.
_SETTERS = frozenset({"read", "mapfile", "readarray", "getopts", "unset", "local", "declare"})


class Variables:
    """The literal values of a line's variables, and which of them are not known for sure."""

    __slots__ = ("_assigned", "_unstable", "values")

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self._assigned: set[str] = set()
        self._unstable: set[str] = set()

    def assign(self, name: str, literal: str | None) -> None:
        """`name=…` was walked: `literal` is its value, or None when it is not a literal."""
        if name in self._assigned:
            self._unstable.add(name)
        self._assigned.add(name)
        if literal is not None:
            self.values[name] = literal

    def unsettle(self, name: str) -> None:
        """`name` is set by something other than a literal assignment (a `for` loop)."""
        self._unstable.add(name)

    def loop(self, name: str, value: str) -> None:
        """A `for` loop's body is walked with `name` set to `value`."""
        self.values[name] = value
        self._assigned.add(name)
        self._unstable.discard(name)

    def url_values(self, text: str) -> list[str]:
        """The known values holding a URL of the variables `text` expands."""
        values = (self._expansion(match) for match in _REFERENCE.finditer(text))
        return [v for v in values if v is not None and "://" in v]

    def _expansion(self, match: re.Match[str]) -> str | None:
        """What one reference expands to, when the line says: the variable's known value, or
        for ``${NAME:-WORD}`` and its kin what the operator makes of it (``:-``/``:=`` give
        WORD for an empty value, ``:+`` gives WORD for a set one); None when not known."""
        name = match.group(1) or match.group(4)
        value = self.values.get(name)
        if value is None or name in self._unstable:
            return None
        operator, word = match.group(2), match.group(3) or ""
        if operator is None or operator in ("?", ":?"):
            return value
        empty = value == "" and operator.startswith(":")
        if operator.endswith(("-", "=")):
            return word if empty else value
        return "" if empty else word  # `+`: WORD when set

    def command(self, name: str, argv: Sequence[str]) -> None:
        """The command `name` ran with `argv`: the variables it sets are no longer known."""
        if name in _SETTERS or (name == "printf" and "-v" in argv):
            self._unstable.update(w for w in argv[1:] if not w.startswith("-"))

    def fill_in(self, text: str) -> str | None:
        """`text` with every ``$NAME``/``${NAME}``/``${NAME:-WORD}`` … replaced by what it
        expands to; None when it has none, or any part (another variable, ``$(…)``, a default
        of an unknown variable) is not known."""
        known: list[str] = []
        for match in _REFERENCE.finditer(text):
            value = self._expansion(match)
            if value is None:
                return None
            known.append(value)
        if not known or "$" in _REFERENCE.sub("", text) or "`" in text:
            return None
        values = iter(known)
        return _REFERENCE.sub(lambda _: next(values), text)
