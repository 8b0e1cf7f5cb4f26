"""Verifying an anchored slice of a ledger chain: from a signed checkpoint to a signed checkpoint.

The same checks as the ledger's own verify (`watchkeeper.ledger.verify_records`), which only
starts at the genesis: sequence continuity, links, record hashes, payload commitments, and
the checkpoints' signatures and hashes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from watchkeeper.events import canonical_json
from watchkeeper.ledger import GENESIS, Checkpoint, StoredRecord

__all__ = ["Problem", "check_slice"]

_ENVELOPE_FIELDS = ("id", "kind", "ts", "session_id", "deployment_id")


@dataclass(frozen=True, slots=True)
class Problem:
    """The first thing found wrong: the record it concerns (if any) and why, in one sentence."""

    seq: int | None
    reason: str


def _record_problem(record: StoredRecord, n: int, prev: bytes) -> str | None:
    if record.prev != prev.hex():
        return f"record `{n}` does not link to record `{n - 1}`; the bundle was altered"
    try:
        digest = hashlib.sha256(prev + canonical_json(record.envelope())).hexdigest()
    except (TypeError, ValueError):
        return f"record `{n}` has a malformed envelope; the bundle was altered"
    if digest != record.hash:
        return f"record `{n}` hash does not match its envelope; the bundle was altered"
    if (record.payload is None) != (record.salt is None):
        return f"record `{n}` has only one of payload and salt; the bundle was altered"
    if record.payload is None or record.salt is None:
        return None
    if hashlib.sha256(record.salt + record.payload).hexdigest() != record.commitment:
        return f"record `{n}` payload does not match its commitment; the payload was altered"
    data = json.loads(record.payload)
    if not isinstance(data, dict):
        return f"record `{n}` payload is not an object; the payload was altered"
    for field in _ENVELOPE_FIELDS:
        if data.get(field) != getattr(record, field):
            return f"record `{n}` payload disagrees with its envelope on `{field}`; it was altered"
    return None


def check_slice(
    records: Sequence[StoredRecord], checkpoints: Sequence[Checkpoint], anchor: int
) -> Problem | None:
    """Return the first problem in `records`, which must run from `anchor + 1` to a checkpoint.

    `checkpoints` must already be known to be signed (the ledger's `follow_keys` walk);
    `anchor` is 0 for the genesis or the seq of a checkpoint whose hash the first record must
    link to.
    """
    by_seq = {c.seq: c for c in checkpoints}
    if anchor == 0:
        prev = GENESIS
    elif anchor in by_seq:
        prev = bytes.fromhex(by_seq[anchor].hash)
    else:
        return Problem(
            anchor, f"record `{anchor}` anchors the bundle but no checkpoint signs it; export again"
        )
    expected = anchor
    for record in records:
        expected += 1
        if record.seq != expected:
            return Problem(
                expected,
                f"record `{expected}` is missing or out of order; records were dropped or moved",
            )
        problem = _record_problem(record, expected, prev)
        if problem is not None:
            return Problem(expected, problem)
        checkpoint = by_seq.get(expected)
        if checkpoint is not None and checkpoint.hash != record.hash:
            return Problem(
                expected,
                f"record `{expected}` differs from the hash its checkpoint signed; "
                "the bundle was altered at or before it",
            )
        prev = bytes.fromhex(record.hash)
    beyond = [c.seq for c in checkpoints if c.seq > expected]
    if beyond:
        return Problem(
            expected + 1,
            f"record `{expected + 1}` is missing though checkpoint `{beyond[-1]}` covers it; "
            "the bundle was truncated",
        )
    if expected == anchor:
        return Problem(anchor + 1, f"record `{anchor + 1}` is missing; the bundle has no records")
    if expected not in by_seq:
        return Problem(
            expected + 1,
            f"the bundle ends at record `{expected}`, which no checkpoint signs; "
            f"record `{expected + 1}` onward was dropped",
        )
    return None
