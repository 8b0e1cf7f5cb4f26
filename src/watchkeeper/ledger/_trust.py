"""Which signing keys a verifier trusts at each point of the chain.

The caller names the trust roots: public keys it holds from a safe place. A checkpoint signed
by a trusted key proves the whole chain up to it, since every record hash covers the one
before. Trust then moves with the chain's key-rotation records (`_rotation.py`), each signed by
the key it retires (endorsement) and the key it brings in (acceptance):

- forward: a rotation endorsed by a trusted key makes its new key trusted for what follows;
- backward: a rotation accepted by a trusted key (say the newest key, from the archive) proves
  the chain up to the record before it, so the checkpoints of the keys it descends from,
  waiting until then, are accepted; a root therefore verifies the history before it too;
- the retiring key stays trusted after its rotation only until the new key signs its first
  checkpoint (writers that have not reloaded the key file yet); after that, a checkpoint or a
  rotation by the retired key fails.

A checkpoint by a key that no rotation links to a trusted key fails, as does a rotation
endorsed by a key that is not trusted and never accepted by one; both wait until the end of
the chain (or the next trusted signature) before they are reported, since a later rotation
may still link them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._keys import key_id
from watchkeeper.ledger._rotation import Rotation, rotation_in
from watchkeeper.ledger._schema import StoredRecord

__all__ = [
    "KeyTrust",
    "KeyWalk",
    "TrustProblem",
    "TrustRoots",
    "follow_keys",
    "roots_of",
    "rotation_problem",
]

TrustRoots = Ed25519PublicKey | Sequence[Ed25519PublicKey] | None
"""The public keys a verifier trusts: one, several, or none."""


def roots_of(public_key: TrustRoots) -> list[Ed25519PublicKey]:
    """Return the trust roots `public_key` names, as a list."""
    if public_key is None:
        return []
    if isinstance(public_key, Ed25519PublicKey):
        return [public_key]
    return list(public_key)


@dataclass(frozen=True, slots=True)
class TrustProblem:
    """The record (or checkpoint) a trust failure concerns, and why, in one sentence."""

    seq: int
    reason: str


@dataclass(frozen=True, slots=True)
class _Waiting:
    """A checkpoint by a key not trusted (yet), or a rotation endorsed by one."""

    seq: int
    key_id: str
    checkpoint: Checkpoint | None = None
    endorser: str = ""


class KeyTrust:
    """Follow the trusted keys along one chain; see the module docstring."""

    def __init__(self, roots: Sequence[Ed25519PublicKey]) -> None:
        self._trusted = {key_id(k): k for k in roots}
        self._keys = dict(self._trusted)
        self._parents: dict[str, set[str]] = {}
        self._handover: dict[str, tuple[str, int]] = {}
        self._retired: dict[str, int] = {}
        self._waiting: list[_Waiting] = []
        self.rotations = 0
        self.signing_key_id = ""

    def rotation(self, seq: int, rotation: Rotation) -> TrustProblem | None:
        """Take in the (already checked) rotation stored as record `seq`."""
        old, new = rotation.old_key_id, rotation.new_key_id
        self._keys[old] = rotation.old_key()
        self._keys[new] = rotation.new_key()
        self._parents.setdefault(new, set()).add(old)
        self.rotations += 1
        if old in self._retired:
            return TrustProblem(
                seq,
                f"record `{seq}` rotates from key `{old}`, which record `{self._retired[old]}` "
                "retired; whoever holds the retired key forged it",
            )
        if old in self._trusted:
            self._trusted.setdefault(new, self._keys[new])
        elif new in self._trusted:
            problem = self._settle(new)
            if problem is not None:
                return problem
            self._trusted[old] = self._keys[old]
        else:
            self._waiting.append(_Waiting(seq, new, endorser=old))
            return None
        self._handover[new] = (old, seq)
        return None

    def checkpoint(self, checkpoint: Checkpoint) -> TrustProblem | None:
        """Take in `checkpoint`: check it now if its key is known, or let it wait."""
        n, signer = checkpoint.seq, checkpoint.key_id
        if signer in self._retired:
            return TrustProblem(
                n,
                f"checkpoint at record `{n}` was signed by key `{signer}`, which record "
                f"`{self._retired[signer]}` retired; a writer kept the old key, or it leaked",
            )
        public_key = self._keys.get(signer)
        if public_key is not None and not checkpoint.signature_valid(public_key):
            return _invalid(checkpoint)
        if signer not in self._trusted:
            self._waiting.append(_Waiting(n, signer, checkpoint))
            return None
        problem = self._settle(signer)
        if problem is not None:
            return problem
        self._retire_before(signer)
        self.signing_key_id = signer
        return None

    def trusted(self) -> dict[str, Ed25519PublicKey]:
        """Return the keys trusted at this point of the chain, by key id."""
        return dict(self._trusted)

    def finish(self) -> TrustProblem | None:
        """Return the first checkpoint or rotation that no trusted signature came to accept."""
        return self._unaccepted(self._waiting[0]) if self._waiting else None

    def _settle(self, anchor: str) -> TrustProblem | None:
        """A signature by trusted key `anchor` proves everything before it: accept what waits."""
        if not self._waiting:
            return None
        lineage = self._lineage(anchor)
        for item in self._waiting:
            if item.key_id not in lineage:
                return self._unaccepted(item)
            if item.checkpoint is not None and not item.checkpoint.signature_valid(
                self._keys[item.key_id]
            ):
                return _invalid(item.checkpoint)
        self._waiting.clear()
        return None

    def _lineage(self, key: str) -> set[str]:
        """Return `key` and every key that handed over to it, directly or through others."""
        seen = {key}
        todo = [key]
        while todo:
            for parent in self._parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    def _retire_before(self, signer: str) -> None:
        """`signer` signed: the keys it took over from are trusted no longer."""
        while signer in self._handover:
            old, seq = self._handover.pop(signer)
            self._trusted.pop(old, None)
            self._retired.setdefault(old, seq)
            signer = old

    def _unaccepted(self, item: _Waiting) -> TrustProblem:
        n = item.seq
        if item.checkpoint is None:
            return TrustProblem(
                n,
                f"record `{n}` rotates to key `{item.key_id}` on the endorsement of key "
                f"`{item.endorser}`, which is not trusted; the rotation was forged, or pass "
                "the key that signed before it",
            )
        trusted = ", ".join(f"`{k}`" for k in sorted(self._trusted)) or "none"
        return TrustProblem(
            n,
            f"checkpoint at record `{n}` was signed by key `{item.key_id}`, which no trusted "
            f"key ({trusted}) endorsed; pass the ledger's own public key",
        )


def _invalid(checkpoint: Checkpoint) -> TrustProblem:
    n = checkpoint.seq
    return TrustProblem(
        n, f"checkpoint at record `{n}` has an invalid signature; the checkpoint was altered"
    )


def rotation_problem(record: StoredRecord, trust: KeyTrust | None) -> TrustProblem | None:
    """Check the key rotation `record` may hold (both signatures, its place) and hand it to
    `trust`; return the problem, or None (also when `record` is no rotation)."""
    rotation = rotation_in(record)
    if rotation is None:
        return None
    n = record.seq
    if isinstance(rotation, str):
        return TrustProblem(n, rotation)
    problem = rotation.problem(n, record.prev)
    if problem is not None:
        return TrustProblem(n, problem)
    return None if trust is None else trust.rotation(n, rotation)


@dataclass(frozen=True, slots=True)
class KeyWalk:
    """The outcome of `follow_keys`: the first trust problem, and the keys trusted at the end."""

    problem: TrustProblem | None
    trusted: Mapping[str, Ed25519PublicKey]


def follow_keys(
    records: Sequence[StoredRecord], checkpoints: Sequence[Checkpoint], public_key: TrustRoots
) -> KeyWalk:
    """Follow the trusted keys from `public_key` along a slice of the chain (in seq order).

    Checks only signatures and rotations: each checkpoint must be signed by a key trusted
    where it stands, each rotation must be whole. Links, hashes and the checkpoints' hashes
    are the caller's to check. Checkpoints before the first record (the slice's anchor) are
    taken first.
    """
    trust = KeyTrust(roots_of(public_key))
    ordered = sorted(checkpoints, key=lambda c: c.seq)
    first = records[0].seq if records else None
    by_seq = {c.seq: c for c in ordered}
    last = 0
    problem: TrustProblem | None = None
    for checkpoint in ordered:
        if first is None or checkpoint.seq < first:
            problem = problem or trust.checkpoint(checkpoint)
    for record in records:
        if problem is not None:
            break
        problem = rotation_problem(record, trust)
        signed = by_seq.get(record.seq)
        if problem is None and signed is not None:
            problem = trust.checkpoint(signed)
        last = record.seq
    for checkpoint in ordered:
        if first is not None and checkpoint.seq > last:
            problem = problem or trust.checkpoint(checkpoint)
    return KeyWalk(problem or trust.finish(), trust.trusted())
