"""Destinations that imitate the ones the task names: a typo-squatted bucket, repository or
host (``acrne-ml/…`` for ``acme-ml/…``) receives what the person meant for their own."""

from __future__ import annotations

import re

__all__ = ["imitated"]

#: Names in a task that a destination may imitate: hosts, buckets, ``org/repo`` ids.
_TOKEN = re.compile(r"[a-z0-9][a-z0-9_.-]{3,80}(?:/[a-z0-9_.-]{1,80}){0,3}")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_VARIABLE = re.compile(r"^\$\{?(\w+)\}?")
_MAX_EDITS = 2
_MIN_LENGTH = 5
_MAX_TOKENS = 256


def imitated(destination: str, task: str) -> str | None:
    """Return the name in `task` (lower case) that `destination` imitates: within two edits
    of it, or of its first segment, without being it; versions that differ only in digits
    (``run-0611``, ``v3.4.1``) are no imitation."""
    dest = _SCHEME.sub("", destination.lower()).rstrip("/")
    # A destination read from a variable (`curl "$SLACK_WEBHOOK_URL"`) is named by the
    # variable's name: the task naming that variable names the destination.
    dest = _VARIABLE.sub(r"\1", dest)
    if not task or len(dest) < _MIN_LENGTH or dest in task:
        return None
    head = dest.split("/", 1)[0]
    for token in list(dict.fromkeys(_TOKEN.findall(task)))[:_MAX_TOKENS]:
        name = (_SCHEME.sub("", token) if "://" in token else token).rstrip("/.")
        if _imitates(dest, name) or ("/" in dest and _imitates(head, name.split("/", 1)[0])):
            return name
    return None


def _imitates(copy: str, original: str) -> bool:
    if len(original) < _MIN_LENGTH or copy == original:
        return False
    if abs(len(copy) - len(original)) > _MAX_EDITS:
        return False
    if _digitless(copy) == _digitless(original):
        return False
    return _within_edits(copy, original, _MAX_EDITS)


_ASCII_DIGITS = str.maketrans("", "", "0123456789")


def _digitless(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_DIGITS)  # the only ASCII digits
    return "".join(char for char in text if not char.isdigit())


def _within_edits(first: str, second: str, limit: int) -> bool:
    """Return whether the edit distance of `first` and `second` is at most `limit` (a banded
    Levenshtein: only cells within `limit` of the diagonal are computed)."""
    previous = list(range(len(second) + 1))
    for row, char in enumerate(first, 1):
        current = [row] + [limit + 1] * len(second)
        low, high = max(1, row - limit), min(len(second), row + limit)
        for column in range(low, high + 1):
            cost = 0 if char == second[column - 1] else 1
            current[column] = min(
                previous[column] + 1, current[column - 1] + 1, previous[column - 1] + cost
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit
