"""The hash chain: salted payload commitments, envelopes and their hashes.

A record's envelope is ``{"v", "seq", "prev", "id", "kind", "ts", "session_id",
"deployment_id", "commitment"}`` with ``commitment = sha256(salt ‖ payload)`` over the canonical
JSON of the full event, and the record hash is ``sha256(prev_hash ‖ canonical_json(envelope))``.
Dropping a payload and its salt therefore leaves the chain checkable and the payload
unguessable.

`seal` does the expensive part (dumping, salting, committing) in the submitting thread; the
single writer then only links sealed events into the chain (`link_rows`).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson

from watchkeeper.events import Event, canonical_json
from watchkeeper.ledger._errors import LedgerEncodeError, LedgerReservedError
from watchkeeper.ledger._rotation import ROTATION_PHASE

__all__ = [
    "ENVELOPE_VERSION",
    "GENESIS",
    "SALT_BYTES",
    "STORED_FIELDS",
    "SaltSource",
    "Sealed",
    "commit_payload",
    "envelope",
    "link_rows",
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
    commitment, deployment_id, id, kind, prev, seq, session_id, ts, v), so linking costs one
    join and one sha256. (A named tuple: it is built once per event on the hot path.)
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


STORED_FIELDS = 8
"""The leading `Sealed` fields stored as they are, in the order of `INSERT_RECORD`'s columns."""

_SEQ_KEY = b'","seq":'


def link_rows(
    items: Sequence[Sealed], seq: int, prev: bytes, rows: list[object]
) -> tuple[list[str], bytes]:
    """Chain `items` after record `seq` hashed `prev`, appending each one's database row.

    A row is the `STORED_FIELDS` leading fields, then ``seq, prev, hash`` (hex), the column
    order of `INSERT_RECORD`, flattened into `rows`. Returns the items' hashes (hex) and the
    raw hash of the last one. This loop is the writer's share of every event, so it stays flat.
    """
    hashes: list[str] = []
    append = hashes.append
    join = b"".join
    sha256 = hashlib.sha256
    prev_hex = prev.hex()
    prev_ascii = prev_hex.encode()
    for item in items:
        seq += 1
        digest = sha256(
            join((prev, item.head, prev_ascii, _SEQ_KEY, str(seq).encode(), item.tail))
        ).digest()
        digest_hex = digest.hex()
        rows += item[:STORED_FIELDS]
        rows += (seq, prev_hex, digest_hex)
        append(digest_hex)
        prev, prev_hex, prev_ascii = digest, digest_hex, digest_hex.encode()
    return hashes, prev


_quote = orjson.dumps
_new_sealed = tuple.__new__  # skips NamedTuple's Python-level __new__ (a third of a microsecond)


def seal(event: Event, salt: bytes | None = None, *, rotation: bool = False) -> Sealed:
    """Dump, salt and commit `event` (raises `LedgerEncodeError` if it is not valid JSON).

    `salt` defaults to 32 fresh random bytes; `seal_all` passes slices of one larger draw.
    A key-rotation record is refused (`LedgerReservedError`) unless `rotation` is set: only
    the rotation itself may write one, so no client can plant a rotation that fails verify.
    """
    # Exactly `event.model_dump(mode="json")`, without its keyword-argument plumbing.
    data = event.__pydantic_serializer__.to_python(event, mode="json")
    try:
        payload = canonical_json(data)
    except (ValueError, TypeError) as exc:
        msg = f"event `{data['id']}` cannot be encoded as canonical json ({exc}); fix the value"
        raise LedgerEncodeError(msg) from exc
    if salt is None:
        salt = os.urandom(SALT_BYTES)
    commitment = _sha256(salt + payload).hexdigest()
    event_id, kind, ts = data["id"], data["kind"], data["ts"]
    if kind == "lifecycle" and data["phase"] == ROTATION_PHASE and not rotation:
        msg = (
            f"event `{event_id}` has the reserved phase `{ROTATION_PHASE}`; only "
            "`watchkeeper ledger rotate-key` records key rotations, use another phase"
        )
        raise LedgerReservedError(msg)
    session_id, deployment_id = data["session_id"], data["deployment_id"]
    # The envelope bytes around prev and seq, exactly as `canonical_json(envelope(...))` writes
    # them (keys sorted; a string is quoted by the same orjson call canonical_json makes).
    head = b'{"commitment":"%s","deployment_id":%s,"id":%s,"kind":%s,"prev":"' % (
        commitment.encode(),
        _quote(deployment_id),
        _quote(event_id),
        _quote(kind),
    )
    tail = b',"session_id":%s,"ts":%s,"v":%d}' % (_quote(session_id), _quote(ts), ENVELOPE_VERSION)
    sealed: Sealed = _new_sealed(
        Sealed,
        (
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
        ),
    )
    return sealed


def seal_all(events: Sequence[Event], salts: bytes | None = None) -> list[Sealed]:
    """Seal every event of one submission, drawing all their salts in one call.

    `salts` (32 bytes per event) defaults to one fresh `os.urandom` draw.
    """
    if salts is None:
        salts = os.urandom(SALT_BYTES * len(events))
    elif len(salts) != SALT_BYTES * len(events):
        msg = f"`{len(salts)}` salt bytes for `{len(events)}` events; pass 32 bytes per event"
        raise ValueError(msg)
    if len(events) == 1:
        return [seal(events[0], salts)]
    return [
        seal(event, salts[i * SALT_BYTES : (i + 1) * SALT_BYTES]) for i, event in enumerate(events)
    ]


class SaltSource:
    """Hand out fresh random salts from larger `os.urandom` draws, to any thread.

    One system call per `pool` bytes instead of one per submission: with many threads
    appending one event each, every `os.urandom` call also gave the GIL away mid-seal. Bytes
    are handed out once and never reused. (A process forked from its owner must not use it;
    nor can it use the owner's ledger, whose writer thread does not survive the fork.)
    """

    def __init__(self, pool: int = 16384) -> None:
        self._pool = pool
        self._lock = threading.Lock()
        self._buffer = b""
        self._used = 0

    def take(self, count: int) -> bytes:
        """Return `count` salts (32 random bytes each) as one bytes object."""
        size = count * SALT_BYTES
        if size > self._pool:
            return os.urandom(size)
        with self._lock:
            start = self._used
            if start + size > len(self._buffer):
                self._buffer = os.urandom(self._pool)
                start = 0
            self._used = start + size
            return self._buffer[start : start + size]
