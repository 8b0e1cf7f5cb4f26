"""Key-rotation records: the statement that hands the ledger's signing from one key to the next.

A rotation is a `Lifecycle` event with phase ``key-rotation`` whose `detail` holds both public
keys (raw, hex), their key ids, the reason, the record it follows (`follows_seq`,
`follows_hash`: the chain head right before it) and two Ed25519 signatures over the canonical
JSON of all of that: the `endorsement` by the old key (the old key vouches for the new one at
this point of this chain) and the `acceptance` by the new key (whoever holds the new key agreed
to succeed the old one here). The record is self-contained, so verify can check both signatures
without any key file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from watchkeeper.events import Lifecycle, canonical_json
from watchkeeper.ledger._keys import key_id

if TYPE_CHECKING:
    from watchkeeper.ledger._schema import StoredRecord

__all__ = [
    "ROTATION_PHASE",
    "ROTATION_SESSION",
    "Rotation",
    "endorse",
    "is_rotation",
    "rotation_event",
    "rotation_in",
]

ROTATION_PHASE = "key-rotation"
ROTATION_SESSION = "watchkeeper-ledger"
_PURPOSE = "watchkeeper ledger key rotation v1"
_MARK = b'"key-rotation"'


def _raw(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def _signed_by(public_key: Ed25519PublicKey, signature: str, data: bytes) -> bool:
    try:
        public_key.verify(bytes.fromhex(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class Rotation:
    """One key handover, as recorded in the chain (see the module docstring)."""

    old_key_id: str
    old_public_key: str
    new_key_id: str
    new_public_key: str
    follows_seq: int
    follows_hash: str
    reason: str
    endorsement: str
    acceptance: str

    def statement(self) -> bytes:
        """Return the canonical bytes both signatures cover."""
        return canonical_json(
            {
                "purpose": _PURPOSE,
                "old_key_id": self.old_key_id,
                "old_public_key": self.old_public_key,
                "new_key_id": self.new_key_id,
                "new_public_key": self.new_public_key,
                "follows_seq": self.follows_seq,
                "follows_hash": self.follows_hash,
                "reason": self.reason,
            }
        )

    def old_key(self) -> Ed25519PublicKey:
        """Return the retiring public key (raises `ValueError` if malformed)."""
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.old_public_key))

    def new_key(self) -> Ed25519PublicKey:
        """Return the succeeding public key (raises `ValueError` if malformed)."""
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(self.new_public_key))

    def as_detail(self) -> dict[str, Any]:
        """Return the rotation as the `detail` of its lifecycle event."""
        return {
            "old_key_id": self.old_key_id,
            "old_public_key": self.old_public_key,
            "new_key_id": self.new_key_id,
            "new_public_key": self.new_public_key,
            "follows_seq": self.follows_seq,
            "follows_hash": self.follows_hash,
            "reason": self.reason,
            "endorsement": self.endorsement,
            "acceptance": self.acceptance,
        }

    def problem(self, seq: int, prev: str) -> str | None:
        """Return why this rotation, stored as record `seq` after hash `prev`, is not valid."""
        try:
            old, new = self.old_key(), self.new_key()
        except ValueError:
            return f"record `{seq}` is a key rotation with a malformed public key; it was altered"
        if key_id(old) != self.old_key_id or key_id(new) != self.new_key_id:
            return f"record `{seq}` is a key rotation whose key ids do not match its keys"
        if self.old_key_id == self.new_key_id:
            return f"record `{seq}` is a key rotation to the same key `{self.new_key_id}`"
        if (self.follows_seq, self.follows_hash) != (seq - 1, prev):
            return (
                f"record `{seq}` is a key rotation endorsed for another place in the chain "
                f"(after record `{self.follows_seq}`); it was copied or moved"
            )
        statement = self.statement()
        if not _signed_by(old, self.endorsement, statement):
            return (
                f"record `{seq}` is a key rotation whose endorsement by key `{self.old_key_id}` "
                "does not verify; the rotation was forged or altered"
            )
        if not _signed_by(new, self.acceptance, statement):
            return (
                f"record `{seq}` is a key rotation whose acceptance by key `{self.new_key_id}` "
                "does not verify; the rotation was forged or altered"
            )
        return None


def endorse(
    old: Ed25519PrivateKey,
    new: Ed25519PrivateKey,
    *,
    follows_seq: int,
    follows_hash: str,
    reason: str,
) -> Rotation:
    """Return the rotation from `old` to `new` right after record `follows_seq`, signed by both."""
    old_public, new_public = old.public_key(), new.public_key()
    unsigned = Rotation(
        old_key_id=key_id(old_public),
        old_public_key=_raw(old_public),
        new_key_id=key_id(new_public),
        new_public_key=_raw(new_public),
        follows_seq=follows_seq,
        follows_hash=follows_hash,
        reason=reason,
        endorsement="",
        acceptance="",
    )
    statement = unsigned.statement()
    return Rotation(
        **{
            **unsigned.as_detail(),
            "endorsement": old.sign(statement).hex(),
            "acceptance": new.sign(statement).hex(),
        }
    )


def rotation_event(rotation: Rotation) -> Lifecycle:
    """Return the ledger event that records `rotation`."""
    return Lifecycle(session_id=ROTATION_SESSION, phase=ROTATION_PHASE, detail=rotation.as_detail())


def rotation_in(record: StoredRecord) -> Rotation | str | None:
    """Return the rotation `record` holds, why it is a malformed one, or None if it is none.

    A record whose payload was withheld cannot be told apart from any other lifecycle record
    and is None; exports never withhold rotations for that reason.
    """
    if record.kind != "lifecycle" or record.payload is None:
        return None
    payload = record.payload if isinstance(record.payload, bytes) else str(record.payload).encode()
    if _MARK not in payload:
        return None
    try:
        data = json.loads(payload)
        if data.get("phase") != ROTATION_PHASE:
            return None
        detail = data["detail"]
        return Rotation(
            old_key_id=str(detail["old_key_id"]),
            old_public_key=str(detail["old_public_key"]),
            new_key_id=str(detail["new_key_id"]),
            new_public_key=str(detail["new_public_key"]),
            follows_seq=int(detail["follows_seq"]),
            follows_hash=str(detail["follows_hash"]),
            reason=str(detail["reason"]),
            endorsement=str(detail["endorsement"]),
            acceptance=str(detail["acceptance"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return f"record `{record.seq}` is a key rotation with missing or malformed fields"


def is_rotation(record: StoredRecord) -> bool:
    """Return whether `record` holds a key rotation (well-formed or not) in its payload."""
    return rotation_in(record) is not None
