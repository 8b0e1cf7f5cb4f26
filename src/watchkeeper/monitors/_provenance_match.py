"""Where a value or a word occurs in a text: whole, as a host, quoted, or written in groups.

The provenance monitor asks of every value of a call whether an instruction holds it, and
whether the data beside the instruction holds it too. A value must be found whole (`26` is
not in `2026`, `quantix.ai` not in `sam@quantix.ai`), an account also when written in groups
(`DE89 3704 0044 …`), and an amount with its thousands separators.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from watchkeeper.monitors._provenance_injection import Injection

__all__ = [
    "amount",
    "amounts_of",
    "host_words",
    "in_injection",
    "is_amount",
    "is_specific",
    "lines_of",
    "mostly_in",
    "only_whole",
    "outermost",
    "outside",
    "quoted_in",
    "stem",
    "whole_count",
    "word_in",
    "word_start",
    "written_apart",
]

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
#: An amount written with thousands separators or decimals (`7,500.00`, `200000.0`), not
#: part of a version or a date (`3.1.4`, `11.05.2024`).
_WRITTEN_AMOUNT = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d,]|\.\d)")
#: The fewest digits an amount needs to be matched however it is written: `1.0` and `1`
#: are too common to tie a call to a text.
_MIN_AMOUNT_DIGITS = 3


def amount(written: str) -> str:
    """`written` (an amount: `7,500.00`, `200000.0`) without thousands separators and
    trailing decimal zeros (`7500`, `200000`); `written` itself when that leaves fewer than
    three digits or it is not an amount."""
    if _WRITTEN_AMOUNT.fullmatch(written) is None:
        return written
    plain = written.replace(",", "")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return plain if sum(ch.isdigit() for ch in plain) >= _MIN_AMOUNT_DIGITS else written


def amounts_of(text: str) -> str:
    """`text` with every amount in it written as `amount` writes it, so `$200,000` holds the
    `200000` a call sets and `48,200.00` the `48200`."""
    if "," not in text and "." not in text:
        return text
    return _amounts_rewritten(text)


#: How many texts the rewritten forms below are kept for: a call's values are matched
#: against one output or instruction after another, each value in turn, and each time the
#: text was rewritten the same way.
_REWRITTEN = 16


@lru_cache(maxsize=_REWRITTEN)
def _amounts_rewritten(text: str) -> str:
    return _WRITTEN_AMOUNT.sub(lambda match: amount(match.group(0)), text)


@lru_cache(maxsize=_REWRITTEN)
def _without_thousands(text: str) -> str:
    """`text` without the commas that separate thousands (`18,400` → `18400`)."""
    return _THOUSANDS.sub("", text)


@lru_cache(maxsize=_REWRITTEN)
def _without_spaces(text: str) -> str:
    return text.replace(" ", "")


@lru_cache(maxsize=_REWRITTEN)
def _words_of(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text))


@lru_cache(maxsize=1024)
def _words_of_literal(literal: str) -> tuple[str, ...]:
    """The words of a call's value (`mostly_in`), looked for in one text after another."""
    return tuple(_TOKEN.findall(literal))


def is_amount(literal: str) -> bool:
    """Whether `literal` is a number `amounts_of` may have rewritten text to hold."""
    head, _, tail = literal.partition(".")
    return head.isdigit() and (not tail or tail.isdigit())


def is_specific(literal: str) -> bool:
    """True for literals specific enough to link a call to a text (ids, names, phrases)."""
    return bool(literal) and not literal.isalpha()


def stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


def whole_count(value: str, text: str) -> int:
    """Return how often `value` occurs in `text` whole: not inside a longer word, address,
    host or number (`26` is not in `2026`, `quantix.ai` not in `sam@quantix.ai`)."""
    return _occurrences(value, text, "_.@-")


def outside(text: str, injections: Sequence[Injection]) -> str:
    """`text` (lower case) without the segments of its `injections`."""
    for segment in sorted(_segments_of(injections), key=len, reverse=True):
        if segment.strip():
            text = text.replace(segment, " ")
    return text


def _segments_of(injections: Sequence[Injection]) -> set[str]:
    """The distinct segments of `injections`: windows that overlap share segments, and a
    hidden block lies inside the line that holds it, which must be counted once."""
    return outermost(lines_of(injections))


def lines_of(injections: Sequence[Injection]) -> set[str]:
    return {segment for injection in injections for segment in injection.text.split("\n")}


def outermost(segments: set[str]) -> set[str]:
    """`segments` without those inside another one."""
    return {s for s in segments if not any(s != other and s in other for other in segments)}


def quoted_in(word: str, text: str) -> bool:
    """Whether `text` quotes `word` ('admitted', "full", `full`), assigns it (`tier=full`)
    or names it as a channel, tag or handle does (`#infra`, `@ops`)."""
    if word not in text:
        return False
    escaped = re.escape(word)
    return (
        re.search(
            rf"(['\"`\u2018\u201c]){escaped}['\"`\u2019\u201d]|=\s*{escaped}\b|(?<![\w&])[#@]{escaped}\b",
            text,
        )
        is not None
    )


def written_apart(value: str, text: str) -> bool:
    """Whether `text` holds `value` written in groups: an IBAN with spaces, an amount with
    thousands separators."""
    if value.isdigit() and len(value) >= 4 and "," in text:
        return value in _without_thousands(text)
    return len(value) >= 12 and value.isalnum() and value in _without_spaces(text)


def only_whole(value: str) -> bool:
    """Whether neither `written_apart` nor `mostly_in` finds `value` in any text: it is
    found only as written (not an account or amount long enough to be written in groups,
    nor a literal of five words or more)."""
    if (value.isdigit() and len(value) >= 4) or (len(value) >= 12 and value.isalnum()):
        return False
    return len(_words_of_literal(value)) <= _MIN_RUN


def in_injection(value: str, text: str) -> bool:
    """Whether `value` is in `text`, an account or IBAN also when written in groups
    (`DE89 3704 0044 …`)."""
    return value in text or written_apart(value, text)


def host_words(host: str, text: str) -> int:
    """Return how often `host` occurs in `text` as a host, alone or ending an address or a
    link's host (`acme.com` in `kyle@acme.com` and `https://www.acme.com/x`, not in
    `acme.com.evil.io`)."""
    return _occurrences(host, text, "_-")


def _occurrences(value: str, text: str, glued: str) -> int:
    """Count `value` in `text` where it is not joined to what follows it (a letter, digit,
    `_`, `@`, `-` or a further `.part`) nor preceded by a letter, digit or one of `glued`."""
    count = 0
    start = text.find(value)
    while start >= 0:
        end = start + len(value)
        before = text[start - 1] if start else " "
        after = text[end : end + 2]
        joined = (
            after[:1].isalnum()
            or (after[:1] != "" and after[:1] in "_@-")
            or (after[:1] == "." and (after[1:2].isalnum() or after[1:2] == "_"))
        )
        if not (before.isalnum() or before in glued or joined):
            count += 1
        start = text.find(value, start + 1)
    return count


def word_in(literal: str, text: str) -> bool:
    if literal.isdigit() and len(literal) >= 4 and "," in text:
        # `18400` is the `$18,400` an instruction wrote.
        text = _without_thousands(text)
    if len(literal) >= _MIN_AMOUNT_DIGITS and is_amount(literal):
        # `200000` (a call's `200000.0`) is the `$200,000.00` an instruction wrote.
        text = amounts_of(text)
    start = text.find(literal)
    while start >= 0:
        end = start + len(literal)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or after.isalnum()):
            return True
        start = text.find(literal, start + 1)
    return False


def word_start(prefix: str, text: str) -> bool:
    """Whether `text` holds `prefix` (not empty) where a word starts or ends, as
    `re.search(rf"\\b{re.escape(prefix)}", text)` finds it: a word character of text on one
    side of where `prefix` begins and none on the other."""
    opens = _is_word(prefix[0])
    start = text.find(prefix)
    while start >= 0:
        if (start > 0 and _is_word(text[start - 1])) is not opens:
            return True
        start = text.find(prefix, start + 1)
    return False


def _is_word(char: str) -> bool:
    """Whether `char` is a word character as `re` reads `\\w` in text."""
    return char.isalnum() or char == "_"


_TOKEN = re.compile(r"[^\W_]+")
#: How many words a literal needs before most of it is enough to find it.
_MIN_RUN = 4


def mostly_in(literal: str, text: str) -> bool:
    """Whether `text` holds all but one word of a literal of at least five words, in order:
    "Lager 4, Industriestr. 22, 47119 Duisburg, DE" in an instruction that wrote the
    address without its country."""
    tokens = _words_of_literal(literal)
    if len(tokens) <= _MIN_RUN or tokens[1] not in text:  # both runs hold tokens[1]
        return False
    run = len(tokens) - 1
    words = _words_of(text)
    for needle in (tokens[:run], tokens[1:]):
        first = needle[0]
        # Each place the run's first word is, found by `tuple.index` (far faster than a
        # loop over every word).
        at = _index(words, first, 0)
        while at >= 0:
            if words[at : at + run] == needle:
                return True
            at = _index(words, first, at + 1)
    return False


def _index(words: tuple[str, ...], word: str, start: int) -> int:
    """Where `word` next is in `words` from `start` on (-1: nowhere)."""
    try:
        return words.index(word, start)
    except ValueError:
        return -1
