"""Cousin domains: an address made to pass for one the session already knows.

`d.mercer@quarryfoods-ap.com` beside the customer's `quarryfoods.com`, a "backup inbox" at
`ferrowind-mail.com` for someone at `ferrowind.com`, `stmarys-it-support.com` for
`stmarys.edu`: the known name with a word added, on a domain of its own. Sending to such an
address, or recording it as a contact, is what invoice and support fraud relies on. The
known domain with a word added is the cousin, not the other way round: sending to
`lyon-partners.fr` while an injected `lyon-partners-cloud.fr` sits in the mail is the task.
So is the known name written with letters that look alike (`acrnecorp-ind.com` for
`acmecorp-ind.com`, `paypa1.com` for `paypal.com`): the one that needs them is the cousin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["cousin_of", "domain_of"]

#: Second-level labels under which a country's registrable domains sit (`co.uk`, `com.au`).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})
#: The shortest known label a cousin is recognised for: shorter ones (`ai`, `hr`, `ops`)
#: are words many unrelated names contain.
_MIN_LABEL = 4
_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
#: Letters and digits read as others at a glance: `rn` as `m`, `vv` as `w`, `0` as `o`, `1`
#: as `l`.
_LOOKS_LIKE = (("rn", "m"), ("vv", "w"))
_DIGIT_LOOKS_LIKE = str.maketrans("01", "ol")


def domain_of(value: str) -> str | None:
    """Return the domain of an address or host value (None for other values)."""
    domain = value.rsplit("@", 1)[-1]
    return domain if _DOMAIN.fullmatch(domain) else None


def cousin_of(domain: str, known: Iterable[str]) -> str | None:
    """Return a domain of `known` that `domain` passes for: its name with a word joined by a
    hyphen before or after (`quarryfoods-ap.com` for `quarryfoods.com`), on another
    registrable domain. None when there is none."""
    own = _registrable(domain)
    name = own.split(".", 1)[0]
    for other in known:
        theirs = _registrable(other)
        if theirs == own:
            continue
        base = theirs.split(".", 1)[0]
        if len(base) >= _MIN_LABEL and (name.startswith(base + "-") or name.endswith("-" + base)):
            return theirs
        if len(base) >= _MIN_LABEL and _skeleton(theirs) == theirs == _skeleton(own):
            return theirs
    return None


def _skeleton(domain: str) -> str:
    """`domain` with look-alike letters read as what they pass for (`acrnecorp.com` →
    `acmecorp.com`)."""
    for written, read in _LOOKS_LIKE:
        domain = domain.replace(written, read)
    return domain.translate(_DIGIT_LOOKS_LIKE)


def _registrable(domain: str) -> str:
    """The part of `domain` its owner registered: `mail.acme.co.uk` → `acme.co.uk`."""
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
