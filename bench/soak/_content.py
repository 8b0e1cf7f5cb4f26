"""The content of an event the agents sent, hashed the same way client-side and from the ledger.

An agent keeps only `(event id, hash)` for every acknowledged event; verification hashes the
same fields of the ledger's record and compares. The fields are the ones the agent chose;
`deployment_id` is the token's, so it is checked too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

__all__ = ["FIELDS", "content_hash"]

#: The fields that make up an event's content, by kind.
FIELDS: dict[str, tuple[str, ...]] = {
    "tool_call": ("deployment_id", "session_id", "tool", "args", "tool_use_id"),
    "tool_result": ("deployment_id", "session_id", "tool", "tool_use_id", "output", "is_error"),
    "message": ("deployment_id", "session_id", "role", "text"),
}


def content_hash(kind: str, record: Mapping[str, object]) -> str:
    """Return the SHA-256 of `record`'s content fields for `kind`, as canonical JSON."""
    subset = {"kind": kind, **{name: record.get(name) for name in FIELDS[kind]}}
    text = json.dumps(subset, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
