"""Signed checkpoints: an Ed25519 signature over ``{seq, hash, ts, key_id}`` of the chain head."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from watchkeeper.clock import utcnow
from watchkeeper.events import canonical_json
from watchkeeper.ledger._keys import key_id

__all__ = ["Checkpoint", "CheckpointSchedule", "sign_checkpoint"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement that the ledger held `seq` records ending in `hash` at `ts`."""

    seq: int
    hash: str
    ts: str
    key_id: str
    signature: str

    def signed_bytes(self) -> bytes:
        """Return the canonical bytes the signature covers."""
        return canonical_json(
            {"seq": self.seq, "hash": self.hash, "ts": self.ts, "key_id": self.key_id}
        )

    def signature_valid(self, public_key: Ed25519PublicKey) -> bool:
        """Return whether `public_key` made this checkpoint's signature."""
        try:
            public_key.verify(bytes.fromhex(self.signature), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True

    def as_dict(self) -> dict[str, Any]:
        """Return the checkpoint as plain JSON data."""
        return {
            "seq": self.seq,
            "hash": self.hash,
            "ts": self.ts,
            "key_id": self.key_id,
            "signature": self.signature,
        }


def sign_checkpoint(key: Ed25519PrivateKey, seq: int, head_hash: str) -> Checkpoint:
    """Sign the chain head (`seq`, `head_hash`) now."""
    ts = utcnow().isoformat().replace("+00:00", "Z")
    unsigned = Checkpoint(seq, head_hash, ts, key_id(key.public_key()), "")
    signature = key.sign(unsigned.signed_bytes()).hex()
    return Checkpoint(seq, head_hash, ts, unsigned.key_id, signature)


class CheckpointSchedule:
    """Decide when the writer signs: every `every` records, every `interval` seconds, on close.

    Intervals use the monotonic clock: they measure elapsed time, they are never stored.
    """

    def __init__(self, *, every: int, interval: float, last_seq: int) -> None:
        self.every = every
        self.interval = interval
        self.last_seq = last_seq
        self._last_at = time.monotonic()

    def due(self, seq: int) -> bool:
        """Return whether a checkpoint should be signed at head `seq`."""
        if seq <= self.last_seq:
            return False
        if seq - self.last_seq >= self.every:
            return True
        return time.monotonic() - self._last_at >= self.interval

    def wait_time(self, seq: int) -> float | None:
        """Return how long the idle writer may block before a timed checkpoint is due."""
        if seq <= self.last_seq:
            return None
        return max(0.0, self._last_at + self.interval - time.monotonic())

    def signed(self, seq: int) -> None:
        """Record that a checkpoint at `seq` was committed."""
        self.last_seq = seq
        self._last_at = time.monotonic()
