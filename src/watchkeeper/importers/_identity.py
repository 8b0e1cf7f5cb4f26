"""Deterministic event ids and timestamps for imported records.

An imported event's id is a hash of where it came from (format, session, the source's own
record id or position, the block within it), so importing the same file twice yields the same
ids and the second import can skip what the ledger already holds.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

__all__ = ["parse_timestamp", "stable_id"]

_SEPARATOR = "\x1f"


def stable_id(*parts: str | int) -> str:
    """Return a 32-hex-character id determined by `parts` alone (the same length as `new_id`)."""
    text = _SEPARATOR.join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def parse_timestamp(value: object) -> datetime | None:
    """Return an aware UTC datetime for ISO 8601 text `value`, or None if it is not one.

    A timestamp without an offset is taken as UTC: every format imported here writes UTC.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
