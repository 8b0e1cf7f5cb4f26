"""What the shell variables of one line hold, as far as the line itself says.

``f=/; rm -rf $f`` removes ``/``: a variable assigned a literal exactly once earlier in the
line is known, and `fill_in` puts its value into later words. A variable assigned twice, or
set by a command (``for``, ``read``, ``mapfile``, ``getopts``, ``printf -v``, ``local``,
``declare``, ``unset``), is not known for sure, and neither is one set in an earlier call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["Variables"]

_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
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

    def command(self, name: str, argv: Sequence[str]) -> None:
        """The command `name` ran with `argv`: the variables it sets are no longer known."""
        if name in _SETTERS or (name == "printf" and "-v" in argv):
            self._unstable.update(w for w in argv[1:] if not w.startswith("-"))

    def fill_in(self, text: str) -> str | None:
        """`text` with every ``$NAME``/``${NAME}`` replaced by its known value; None when it
        has none, or any part (another variable, ``$(…)``, ``${X:-…}``) is not known."""
        known: list[str] = []
        for match in _REFERENCE.finditer(text):
            name = match.group(1) or match.group(2)
            value = self.values.get(name)
            if value is None or name in self._unstable:
                return None
            known.append(value)
        if not known or "$" in _REFERENCE.sub("", text) or "`" in text:
            return None
        values = iter(known)
        return _REFERENCE.sub(lambda _: next(values), text)
