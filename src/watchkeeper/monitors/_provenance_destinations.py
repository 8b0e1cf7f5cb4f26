"""Values that say where something goes, and a destination the data put in the task's place.

An address, a link, a bank account or a wallet decides where a message, a file or money
ends up; a bare host names an organisation and a path a place on disk, so neither is one.
When the user's task gives a destination of a kind ("send it to dana@orrisfoods.com",
"pay DE89 …") and a call uses only other destinations of that kind, one of them seen only
in text written by others ("route her copy to dana.whitlock.orris@gmail.com instead"),
the data has replaced the user's choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["DESTINATION", "kind_of", "substituted"]

DESTINATION = re.compile(r"@|://|^[a-z]{2}\d{2}[a-z0-9]{10,}$|^\+?\d{8,}$|^0x[0-9a-f]{16,}$")
_IBAN = re.compile(r"^[a-z]{2}\d{2}[a-z0-9]{10,}$")
_NUMBER = re.compile(r"^\+?\d{8,}$")


def kind_of(value: str) -> str | None:
    """Return what kind of destination `value` (normalised, lower case) is: an address, a
    link or an account (None when it is not a destination)."""
    if "://" in value:
        return "link"
    if "@" in value:
        return "address"
    if _IBAN.match(value) or _NUMBER.match(value) or value.startswith("0x"):
        return "account"
    return None


def substituted(task: Iterable[str], call: Iterable[str], untrusted: Iterable[str]) -> str | None:
    """Return the kind of destination the `task` values give and the `call` values replace
    with one of `untrusted` (values seen only in untrusted output); None when the call uses
    one of the task's destinations of that kind, or none of its own."""
    given: dict[str, set[str]] = {}
    for value in task:
        kind = kind_of(value)
        if kind is not None:
            given.setdefault(kind, set()).add(value)
    if not given:
        return None
    used: dict[str, set[str]] = {}
    for value in call:
        kind = kind_of(value)
        if kind is not None:
            used.setdefault(kind, set()).add(value)
    for value in untrusted:
        kind = kind_of(value)
        if kind is not None and kind in given and not used.get(kind, set()) & given[kind]:
            return kind
    return None
