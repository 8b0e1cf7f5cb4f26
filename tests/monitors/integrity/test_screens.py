"""Screened patterns: the words a screen asks for are ones every match of its pattern holds."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest

import watchkeeper.monitors.integrity as package
from watchkeeper.monitors.integrity._screens import DIGITS, Screen, folded, screen

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
_DIGIT = "\0"  # stands for `\d` (and a digit written out) when the need is `DIGITS`
# characters outside ASCII that case-blind matching ties to ASCII ones (the long s, the Kelvin
# sign, dotted and dotless i): a pattern needing one can match ASCII text
_TIED = "\u017f\u212a\u0130\u0131"


def _char(op: Any, av: Any, digits: bool) -> str | None:
    """The one character an item matches (lower-cased later), if it is one."""
    if op is _c.LITERAL and chr(av) not in _TIED:
        return _DIGIT if digits and chr(av) in "0123456789" else chr(av)
    if digits and op is _c.IN and list(av) == [(_c.CATEGORY, _c.CATEGORY_DIGIT)]:
        return _DIGIT
    if op is _c.IN and all(o is _c.LITERAL and not chr(c).isascii() for o, c in av):
        return None if any(chr(c) in _TIED for _, c in av) else chr(av[0][1])  # `[✘✗]`
    return None


def _holds(items: Any, words: tuple[str, ...], digits: bool) -> bool:
    """Whether every match of `items` (a parsed pattern) in ASCII text holds one of `words`:
    some run of single characters it always matches holds one (or needs a character outside
    ASCII, and so cannot match), or an item it always matches once or more does."""
    items = list(items)
    run: list[Any] = []
    for at, (op, av) in enumerate([*items, (None, None)]):
        rest = items[at + 1 :]
        if op is not None and _char(op, av, digits) is not None:
            run.append((op, av))
            continue
        if op in _ZERO_WIDTH:
            continue  # `\b`, `(?!x)`: the characters either side are next to each other
        fixed = op in _REPEATS and len(av[2]) == 1 and _char(*av[2][0], digits) is not None
        if fixed and av[0] >= 1:
            run.extend([av[2][0]] * av[0])
            if av[0] == av[1]:
                continue  # `_{2}`: part of the run
        text = "".join(_char(o, a, digits) or "" for o, a in run).lower()
        if run and (any(w in text for w in words) or not text.replace(_DIGIT, "").isascii()):
            return True
        if _holds_on(run, op, av, rest, words, digits):
            return True
        run = []
        if op is _c.SUBPATTERN and _holds(av[-1], words, digits):
            return True
        if op is _c.BRANCH and all(_holds(alt, words, digits) for alt in av[1]):
            return True
        if op in _REPEATS and av[0] >= 1 and _holds(av[2], words, digits):
            return True
    return False


def _holds_on(
    run: list[Any], op: Any, av: Any, rest: list[Any], words: tuple[str, ...], digits: bool
) -> bool:
    """Whether a run of characters (maybe none) goes on into the item after it, and then what
    follows, to hold a word in every way it can: into each alternative, a group, or an optional part
    (`(?:all )?`) present or not."""
    if op is _c.BRANCH:
        return all(_holds([*run, *alt, *rest], words, digits) for alt in av[1])
    if op is _c.SUBPATTERN:
        return _holds([*run, *av[-1], *rest], words, digits)
    if op in _REPEATS and av[0] == 0 and av[1] == 1:
        return _holds([*run, *av[2], *rest], words, digits) and _holds([*run, *rest], words, digits)
    return False


def _screens() -> list[tuple[str, Screen]]:
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found += [(f"{info.name}.{k}", v) for k, v in vars(module).items() if isinstance(v, Screen)]
    return found


@pytest.mark.parametrize(("name", "screened"), _screens(), ids=lambda x: str(x)[:40])
def test_every_match_holds_a_word_of_each_need(name: str, screened: Screen) -> None:
    """Each need's words are read off the pattern: no match in ASCII text lacks them all."""
    parsed = _parser.parse(screened.pattern.pattern, screened.pattern.flags)
    digits = tuple(DIGITS.split("|"))
    for words in screened.needs:
        assert all(w == w.lower() and w.isascii() for w in words), name
        if words == digits:
            assert _holds(parsed, (_DIGIT,), digits=True), name
        else:
            assert _holds(parsed, words, digits=False), (name, words)


def test_the_check_finds_a_word_no_match_needs() -> None:
    """A word only some alternatives hold is no need (the check above can fail)."""
    parsed = _parser.parse(r"\bfail(?:ed|ing)\b|\berrors?\b", re.IGNORECASE)
    assert _holds(parsed, ("fail", "error"), digits=False)
    assert not _holds(parsed, ("fail",), digits=False)
    assert not _holds(parsed, ("failed",), digits=False)


def test_ascii_text_without_the_words_is_not_searched() -> None:
    """The screen, not the pattern, rules out ASCII text that lacks a need's words."""
    wrong = screen(r"pass", re.IGNORECASE, needs=("fail",))
    assert wrong.search("PASS", folded("PASS")) is None
    assert wrong.sub("x", "pass") == "pass"


def test_other_text_is_always_searched() -> None:
    """Case-blind matching reaches past lower-casing outside ASCII (the long s matches `s`)."""
    screened = screen(r"pass", re.IGNORECASE, needs=("pass",))
    assert folded("pa\u017fs") is None
    assert screened.search("pa\u017fs", folded("pa\u017fs")) is not None
    assert screened.sub("x", "pa\u017fs") == "x"
