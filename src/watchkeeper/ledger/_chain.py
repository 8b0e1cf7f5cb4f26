"""The hash chain: salted payload commitments, envelopes and their hashes.

A record's envelope is ``{"v", "seq", "prev", "id", "kind", "ts", "session_id",
"deployment_id", "commitment"}`` with ``commitment = sha256(salt ‖ payload)`` over the canonical
JSON of the full event, and the record hash is ``sha256(prev_hash ‖ canonical_json(envelope))``.
Dropping a payload and its salt therefore leaves the chain checkable and the payload
unguessable.

`seal` does the expensive part (dumping, salting, committing) in the submitting thread; the
single writer then only `link`s a sealed event to its place in the chain.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson

from watchkeeper.events import Event, canonical_json
from watchkeeper.ledger._errors import LedgerEncodeError

__all__ = [
    "ENVELOPE_VERSION",
    "GENESIS",
    "SALT_BYTES",
    "STORED_FIELDS",
    "Sealed",
    "commit_payload",
    "envelope",
    "record_hash",
    "seal",
    "seal_all",
]

ENVELOPE_VERSION = 1
GENESIS = bytes(32)
SALT_BYTES = 32
_sha256 = hashlib.sha256


def commit_payload(salt: bytes, payload: bytes) -> str:
    """Return the hex commitment ``sha256(salt ‖ payload)``."""
    return hashlib.sha256(salt + payload).hexdigest()


def envelope(
    *,
    seq: int,
    prev: str,
    event_id: str,
    kind: str,
    ts: str,
    session_id: str,
    deployment_id: str,
    commitment: str,
) -> dict[str, Any]:
    """Return the envelope mapping of one record (the thing that is hashed)."""
    return {
        "v": ENVELOPE_VERSION,
        "seq": seq,
        "prev": prev,
        "id": event_id,
        "kind": kind,
        "ts": ts,
        "session_id": session_id,
        "deployment_id": deployment_id,
        "commitment": commitment,
    }


def record_hash(prev: bytes, envelope_value: dict[str, Any]) -> bytes:
    """Return ``sha256(prev ‖ canonical_json(envelope))``."""
    return hashlib.sha256(prev + canonical_json(envelope_value)).digest()


class Sealed(NamedTuple):
    """An event ready for the chain: its payload bytes, salt, commitment and envelope fields.

    `head` and `tail` are the canonical envelope bytes around ``prev`` and ``seq`` (keys sort as
    commitment, deployment_id, id, kind, prev, seq, session_id, ts, v), so linking costs two
    concatenations and one sha256. (A named tuple: it is built once per event on the hot path.)
    """

    event_id: str
    kind: str
    ts: str
    session_id: str
    deployment_id: str
    payload: bytearray  # bytearray: sqlite3 binds it as a BLOB without an adapter lookup
    salt: bytearray
    commitment: str
    head: bytes  # not stored: envelope bytes before prev
    tail: bytes  # not stored: envelope bytes after seq

    def link(self, seq: int, prev: bytes, prev_hex: str) -> bytes:
        """Return this record's hash at `seq` after a record hashed `prev` (hex `prev_hex`)."""
        body = b"".join((self.head, prev_hex.encode(), b'","seq":', str(seq).encode(), self.tail))
        return hashlib.sha256(prev + body).digest()


STORED_FIELDS = 8
"""The leading `Sealed` fields stored as they are, in the order of `INSERT_RECORD`'s columns."""


_quote = orjson.dumps


def seal(event: Event, salt: bytes | None = None) -> Sealed:
    """Dump, salt and commit `event` (raises `LedgerEncodeError` if it is not valid JSON).

    `salt` defaults to 32 fresh random bytes; `seal_all` passes slices of one larger draw.
    """
    data = event.model_dump(mode="json")
    event_id, kind, ts = data["id"], data["kind"], data["ts"]
    session_id, deployment_id = data["session_id"], data["deployment_id"]
    try:
        payload = canonical_json(data)
    except (ValueError, TypeError) as exc:
        msg = f"event `{event_id}` cannot be encoded as canonical json ({exc}); fix the value"
        raise LedgerEncodeError(msg) from exc
    if salt is None:
        salt = os.urandom(SALT_BYTES)
    commitment = _sha256(salt + payload).hexdigest()
    # The envelope bytes around prev and seq, exactly as `canonical_json(envelope(...))` writes
    # them (keys sorted; a string is quoted by the same orjson call canonical_json makes).
    head = b'{"commitment":"%s","deployment_id":%s,"id":%s,"kind":%s,"prev":"' % (
        commitment.encode(),
        _quote(deployment_id),
        _quote(event_id),
        _quote(kind),
    )
    tail = b',"session_id":%s,"ts":%s,"v":%d}' % (_quote(session_id), _quote(ts), ENVELOPE_VERSION)
    return Sealed(
        event_id,
        kind,
        ts,
        session_id,
        deployment_id,
        bytearray(payload),
        bytearray(salt),
        commitment,
        head,
        tail,
    )


def seal_all(events: Sequence[Event]) -> list[Sealed]:
    """Seal every event of one submission, drawing all their salts in one call."""
    salts = os.urandom(SALT_BYTES * len(events))
    return [
        seal(event, salts[i * SALT_BYTES : (i + 1) * SALT_BYTES]) for i, event in enumerate(events)
    ]
