"""Verify a ledger: chain, commitments, sequence, checkpoint signatures and coverage.

The verdict is a `VerifyReport` that names the first bad record; verification never raises
for a damaged ledger, only for one it cannot open.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.events import canonical_json
from watchkeeper.ledger._chain import GENESIS, commit_payload
from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._schema import (
    StoredRecord,
    connect_reader,
    read_checkpoints,
    read_records,
)
from watchkeeper.ledger._trust import KeyTrust, TrustProblem, TrustRoots, roots_of, rotation_problem

__all__ = ["VerifyReport", "verify_ledger", "verify_records"]

_ENVELOPE_FIELDS = ("id", "kind", "ts", "session_id", "deployment_id")


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of verifying a ledger.

    `first_bad_seq` is the first record found wrong (or missing) and `reason` says why in one
    sentence; both are empty when `ok`. `withheld` counts records checked through their
    envelope only, because their payload and salt were withheld. `rotations` counts the key
    rotations followed and `signing_key_id` names the key of the last trusted checkpoint.
    """

    ok: bool
    records_checked: int
    checkpoints_checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = ""
    withheld: int = 0
    signatures_checked: bool = True
    rotations: int = 0
    signing_key_id: str = ""


def _record_problem(record: StoredRecord, expected_seq: int, prev: bytes) -> str | None:
    """Return why `record` is wrong at position `expected_seq` after hash `prev`, or None."""
    n = expected_seq
    if record.prev != prev.hex():
        return (
            f"record `{n}` does not link to record `{n - 1}`; "
            "the ledger was altered at or before it"
        )
    try:
        digest = hashlib.sha256(prev + canonical_json(record.envelope())).hexdigest()
    except (TypeError, ValueError):
        return f"record `{n}` has a malformed envelope; the ledger was altered at or before it"
    if digest != record.hash:
        return (
            f"record `{n}` hash does not match its content; the ledger was altered at or before it"
        )
    if (record.payload is None) != (record.salt is None):
        return f"record `{n}` has only one of payload and salt; restore both or withhold both"
    if record.payload is None or record.salt is None:
        return None
    payload = record.payload if isinstance(record.payload, bytes) else str(record.payload).encode()
    salt = record.salt if isinstance(record.salt, bytes) else str(record.salt).encode()
    if commit_payload(salt, payload) != record.commitment:
        return (
            f"record `{n}` payload does not match its commitment; its payload or salt was altered"
        )
    try:
        data = json.loads(payload)
        mismatched = [f for f in _ENVELOPE_FIELDS if data.get(f) != getattr(record, f)]
    except (ValueError, AttributeError):
        mismatched = ["payload"]
    if mismatched:
        return (
            f"record `{n}` payload disagrees with its envelope on `{mismatched[0]}`; it was altered"
        )
    return None


def _unsigned(checkpoint: Checkpoint) -> TrustProblem:
    n = checkpoint.seq
    return TrustProblem(
        n,
        f"checkpoint at record `{n}` cannot be checked without the ledger's public key; "
        "pass the public key",
    )


def verify_records(
    records: Iterable[StoredRecord],
    checkpoints: Sequence[Checkpoint],
    public_key: TrustRoots,
    *,
    require_signatures: bool = True,
) -> VerifyReport:
    """Verify `records` (in sequence order) against `checkpoints`; stop at the first problem.

    `public_key` is the trust root, or several: see `_trust.py` for how key rotations
    recorded in the chain carry trust from them to the keys before and after.
    """
    roots = roots_of(public_key)
    trust = KeyTrust(roots) if roots else None
    by_seq = {c.seq: c for c in checkpoints}
    prev = GENESIS
    checked = 0
    withheld = 0
    checkpoints_checked = 0
    signatures_checked = trust is not None

    def failed(seq: int, reason: str) -> VerifyReport:
        return VerifyReport(
            ok=False,
            records_checked=checked,
            checkpoints_checked=checkpoints_checked,
            first_bad_seq=seq,
            reason=reason,
            head_seq=checked,
            head_hash=prev.hex() if checked else "",
            withheld=withheld,
            signatures_checked=signatures_checked,
        )

    def checkpoint_problem(checkpoint: Checkpoint) -> TrustProblem | None:
        if trust is not None:
            return trust.checkpoint(checkpoint)
        return _unsigned(checkpoint) if require_signatures else None

    for record in records:
        expected = checked + 1
        if record.seq != expected:
            return failed(
                expected, f"record `{expected}` is missing; records were deleted from the ledger"
            )
        problem = _record_problem(record, expected, prev)
        if problem is not None:
            return failed(expected, problem)
        trouble = rotation_problem(record, trust)
        if trouble is not None:
            return failed(trouble.seq, trouble.reason)
        checkpoint = by_seq.get(expected)
        if checkpoint is not None:
            trouble = checkpoint_problem(checkpoint)
            if trouble is not None:
                return failed(trouble.seq, trouble.reason)
            if checkpoint.hash != record.hash:
                return failed(
                    expected,
                    f"record `{expected}` differs from the hash its checkpoint signed; "
                    "the ledger was rewritten at or before it",
                )
            checkpoints_checked += 1
        checked = expected
        withheld += record.payload is None
        prev = bytes.fromhex(record.hash)
    beyond = [c for c in checkpoints if c.seq > checked]
    if beyond:
        trouble = checkpoint_problem(beyond[-1])
        if trouble is not None:
            return failed(trouble.seq, trouble.reason)
        return failed(
            checked + 1,
            f"record `{checked + 1}` is missing though checkpoint `{beyond[-1].seq}` covers it; "
            "the ledger was truncated",
        )
    trouble = None if trust is None else trust.finish()
    if trouble is not None:
        return failed(trouble.seq, trouble.reason)
    return VerifyReport(
        ok=True,
        records_checked=checked,
        checkpoints_checked=checkpoints_checked,
        head_seq=checked,
        head_hash=prev.hex() if checked else "",
        withheld=withheld,
        signatures_checked=signatures_checked,
        rotations=0 if trust is None else trust.rotations,
        signing_key_id="" if trust is None else trust.signing_key_id,
    )


def verify_ledger(
    path: Path, public_key: TrustRoots, *, require_signatures: bool = True
) -> VerifyReport:
    """Verify the ledger file at `path` in one consistent snapshot.

    `public_key` is the trust root (or a sequence of them). With `public_key=None`
    checkpoints fail unless `require_signatures=False`, in which case
    their hashes are still compared but their signatures are not checked.
    """
    conn = connect_reader(path)
    try:
        conn.execute("BEGIN")
        checkpoints = read_checkpoints(conn)
        report = verify_records(
            read_records(conn), checkpoints, public_key, require_signatures=require_signatures
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return report
