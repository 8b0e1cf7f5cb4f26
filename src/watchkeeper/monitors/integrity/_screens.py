"""Patterns screened by the words their matches need: a pattern is searched only in text that
holds, for each of its needs, one of the words listed (lower case). A word test with `in` costs
a small part of a search by a pattern of many alternatives, which tries each at every position.

Only ASCII text is screened. There lower-casing agrees with case-blind matching (elsewhere the
long s, U+017F, matches `s`), `\\d` is `[0-9]`, and a part of a pattern that needs a character
outside ASCII cannot match at all; other text is always searched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["DIGITS", "Screen", "folded", "screen"]

#: The need for a digit (`\d`, or a digit written out).
DIGITS = "0|1|2|3|4|5|6|7|8|9"


def folded(text: str) -> str | None:
    """`text` lower-cased for `Screen.search`, or None when it is not ASCII (not screened)."""
    return text.lower() if text.isascii() else None


@dataclass(frozen=True, slots=True)
class Screen:
    """`pattern` and what any of its matches in ASCII text holds: for each of `needs`, one of
    its words (lower case). The tests check each need against the parsed pattern."""

    pattern: re.Pattern[str]
    needs: tuple[tuple[str, ...], ...]

    def may_match(self, low: str) -> bool:
        """Whether `low`, an ASCII text lower-cased, holds a word of each need."""
        for words in self.needs:
            for word in words:
                if word in low:
                    break
            else:
                return False
        return True

    def search(self, text: str, low: str | None) -> re.Match[str] | None:
        """`pattern.search(text)`, not run when `low` (`folded(text)`) lacks a need's words."""
        if low is not None and not self.may_match(low):
            return None
        return self.pattern.search(text)

    def findall(self, text: str, low: str | None) -> list[Any]:
        """`pattern.findall(text)`, not run when `low` (`folded(text)`) lacks a need's words."""
        if low is not None and not self.may_match(low):
            return []
        return self.pattern.findall(text)

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        """`pattern.sub(repl, text)`, not run on ASCII text that lacks a need's words."""
        low = folded(text)
        if low is not None and not self.may_match(low):
            return text
        return self.pattern.sub(repl, text)


def screen(pattern: str, flags: int = 0, *, needs: tuple[str, ...]) -> Screen:
    """`pattern` compiled with `flags`, screened by `needs`, each its words joined by `|`
    ("fail|error")."""
    return Screen(re.compile(pattern, flags), tuple(tuple(need.split("|")) for need in needs))
