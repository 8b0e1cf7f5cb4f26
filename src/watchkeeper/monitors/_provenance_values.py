"""Values that matter for side effects, found in free text and in tool arguments.

Emails, IBANs and account numbers, URLs and hosts, file paths, phone numbers and long tokens
are pulled out of text by precompiled patterns and normalised (lower case, no spaces), so a
value seen in a tool output can be matched against the same value in a later call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from watchkeeper.monitors._provenance_match import amount

__all__ = ["arg_literals", "extract_values", "flatten_output", "flatten_text"]

# Boundaries are ASCII (`re.ASCII`): in Korean, Japanese or Chinese text a particle or word
# follows a value with no space between ("+82-10-7731-4409로", "账户12345678901"), and a
# Unicode `\w` would take it for part of the value, or refuse the value for touching it.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
# Not case-insensitive: with `re.IGNORECASE`, `i`, `k` and `s` fold to letters above
# U+0080 (dotted capital I, the Kelvin sign, long s) and would be refused with them.
_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[^\s\"'<>)\]\x80-\U0010ffff]+")
_HOST = re.compile(
    r"\b(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\."
    r"(?:com|net|org|io|ai|co|dev|app|info|biz|xyz|me|us|uk|de|fr|es|it|ru|cn|cc|tk|site|"
    r"online|top|link|click|live|cloud|sh|gg|ly|to)\b",
    re.IGNORECASE | re.ASCII,
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}\b", re.ASCII)
_ACCOUNT = re.compile(r"(?<![\w.])\d{8,19}(?![\w.])", re.ASCII)
_PHONE = re.compile(r"(?<![\w])\+?\d[\d ().-]{7,18}\d(?![\w])", re.ASCII)
_PATH = re.compile(r"(?<![\w.])(?:~|\.{1,2})?/[\w.@-]+(?:/[\w.@-]+)+")
_TOKEN = re.compile(r"\b[A-Za-z0-9_\-]{24,}\b", re.ASCII)
_SPACES = re.compile(r"[\s().-]")
_DIGITS = re.compile(r"\d\d")


def extract_values(text: str) -> set[str]:
    """Return the normalised side-effect values found in `text`."""
    found: set[str] = set()
    if not text:
        return found
    if "@" in text:
        for match in _EMAIL.findall(text):
            found.add(match.lower().strip("."))
    if "://" in text:
        for match in _URL.findall(text):
            found.add(match.lower().rstrip(".,;"))
    if "." in text:
        for match in _HOST.findall(text):
            host = match.lower()
            found.add(host[4:] if host.startswith("www.") else host)
    if _DIGITS.search(text) is not None:
        for match in _IBAN.findall(text):
            found.add(match.replace(" ", "").lower())
        for match in _ACCOUNT.findall(text):
            found.add(match)
        for match in _PHONE.findall(text):
            digits = _SPACES.sub("", match)
            if sum(ch.isdigit() for ch in digits) >= 9:
                found.add(digits)
    if "/" in text:
        for match in _PATH.findall(text):
            found.add(match.lower())
    if len(text) >= 24:
        for match in _TOKEN.findall(text):
            found.add(match.lower())
    return found


def flatten_text(value: Any, *, limit: int = 200_000) -> str:
    """Return every string and number inside `value` joined by newlines (at most `limit`)."""
    if isinstance(value, str):
        return value[:limit]
    parts: list[str] = []
    _leaves(value, parts, limit)
    return "\n".join(parts)


def flatten_output(value: Any, *, limit: int = 200_000) -> str:
    """Return a tool output as text, one field per line: a JSON document (given as a string
    or already parsed) becomes ``key: value`` lines, so an instruction hidden in one field of
    one record is told apart from the values of the records beside it; other text is kept."""
    raw: str | None = None
    if isinstance(value, str):
        raw = value
        if raw.lstrip()[:1] not in ("{", "[") or len(raw) > limit:
            return raw[:limit]
    try:
        if raw is not None:
            value = json.loads(raw)
        if not isinstance(value, Mapping | list | tuple):
            return flatten_text(value, limit=limit)
        lines: list[str] = []
        _fields(value, "", lines, [limit])
    except (ValueError, RecursionError):
        # Not JSON, or nested too deep to walk: read as the text it is, every word kept.
        return raw[:limit] if raw is not None else flatten_text(value, limit=limit)
    return "\n".join(lines)


_KEY = re.compile(r"[\w -]{1,30}")


def _fields(value: Any, key: str, lines: list[str], budget: list[int]) -> None:
    """Append `value`'s scalar leaves as lines, each under its own key when it has one."""
    if budget[0] <= 0:
        return
    if isinstance(value, Mapping):
        for child_key, child in value.items():
            name = str(child_key)
            _fields(child, name if _KEY.fullmatch(name) else "", lines, budget)
        return
    if isinstance(value, list | tuple):
        for child in value:
            _fields(child, key, lines, budget)
        return
    if isinstance(value, bool) or value is None:
        return
    text = str(value)[: budget[0]]
    budget[0] -= len(text)
    lines.append(f"{key}: {text}" if key else text)


def arg_literals(args: Mapping[str, Any]) -> set[str]:
    """Return short argument values (lower case) that can be matched word for word in text:
    each value, and the terms of a search query (`"password reset" OR "verification code"`
    gives `password reset` and `verification code`), without the quotes around them."""
    out: set[str] = set()
    parts: list[str] = []
    _leaves(args, parts, None)
    for item in parts:
        # An amount as an instruction would write it: `200000.0` is its `$200,000`.
        text = amount(item.strip().lower())
        if 2 <= len(text) <= 80 and text not in _TRIVIAL:
            out.add(text)
    for key, value in args.items():
        if isinstance(value, str) and _QUERY_KEY.fullmatch(str(key).lower()) is not None:
            out.update(_terms(value.lower()))
    return out


#: Arguments that hold a search query, whose terms are matched one by one.
_QUERY_KEY = re.compile(r"q|query|search|keywords?|terms?|filter|jql|text_query|search_query")
_QUERY_SPLIT = re.compile(r"\s+(?:or|and|not)\s+|[()|]")
_QUOTES = "\"'`\u2018\u2019\u201c\u201d "


def _terms(query: str) -> set[str]:
    """The terms of a search query, unquoted, that are long enough to name something."""
    terms = {term.strip(_QUOTES) for term in _QUERY_SPLIT.split(query)}
    return {t for t in terms if len(t) >= 4 and t not in _TRIVIAL}


_TRIVIAL = frozenset({"true", "false", "none", "null", "yes", "no", "all", "me", "the", "and"})


def _leaves(value: Any, parts: list[str], limit: int | None) -> int | None:
    """Append the strings inside `value` to `parts`, depth first, until `limit` characters
    have been appended (None: no limit); return the characters still allowed."""
    kind = type(value)
    if kind is dict or kind is list:
        # The common containers first: `isinstance` against the ABCs below is slow.
        for child in value.values() if kind is dict else value:
            limit = _leaves(child, parts, limit)
            if limit is not None and limit <= 0:
                break
        return limit
    if kind is str or isinstance(value, str):
        item = value
    elif isinstance(value, bool) or value is None:
        return limit
    elif isinstance(value, int | float):
        item = str(value)
    elif isinstance(value, Mapping | list | tuple | set | frozenset):
        for child in value.values() if isinstance(value, Mapping) else value:
            limit = _leaves(child, parts, limit)
            if limit is not None and limit <= 0:
                break
        return limit
    else:
        item = str(value)
    parts.append(item)
    return None if limit is None else limit - len(item)
