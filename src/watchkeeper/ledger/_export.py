"""JSON Lines export of a ledger, optionally redacted, and verification of such an export.

Line format: first one ``{"checkpoint": {...}}`` line per checkpoint, then one
``{"envelope": {...}, "hash": ..., "payload": {...} | null, "salt": <hex> | null}`` line per
record in sequence order. A redacted record has `payload` and `salt` null: its envelope (and so
the chain) still verifies, and its content cannot be guessed from the commitment.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO

from watchkeeper.events import canonical_json
from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._rotation import rotation_in
from watchkeeper.ledger._schema import (
    StoredRecord,
    connect_reader,
    read_checkpoints,
    read_records,
)
from watchkeeper.ledger._trust import TrustRoots
from watchkeeper.ledger._verify import VerifyReport, verify_records

__all__ = ["Redactor", "export_jsonl", "verify_export", "write_jsonl"]

Redactor = Callable[[StoredRecord], bool]
"""Return True for a record whose payload and salt must be withheld from the export."""


def _record_line(record: StoredRecord, *, withhold: bool) -> dict[str, Any]:
    keep = not withhold and record.payload is not None and record.salt is not None
    return {
        "envelope": record.envelope(),
        "hash": record.hash,
        "payload": json.loads(record.payload) if keep and record.payload is not None else None,
        "salt": record.salt.hex() if keep and record.salt is not None else None,
    }


def export_jsonl(path: Path, out: TextIO, *, redact: Redactor | None = None) -> int:
    """Write the ledger at `path` to `out` as JSON Lines; return the number of records written.

    The export is one consistent snapshot. `redact` picks records whose payload and salt are
    left out.
    """
    conn = connect_reader(path)
    try:
        conn.execute("BEGIN")
        written = write_jsonl(read_checkpoints(conn), read_records(conn), out, redact=redact)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return written


def write_jsonl(
    checkpoints: Iterable[Checkpoint],
    records: Iterable[StoredRecord],
    out: TextIO,
    *,
    redact: Redactor | None = None,
) -> int:
    """Write `checkpoints`, then `records`, to `out` as JSON Lines; return the records written.

    Every backend's export goes through here, so all of them write the same format. A
    key-rotation record is never withheld (nor shown to `redact`): verify needs it to follow
    the signing keys.
    """
    written = 0
    for checkpoint in checkpoints:
        out.write(json.dumps({"checkpoint": checkpoint.as_dict()}, ensure_ascii=False) + "\n")
    for record in records:
        withhold = redact is not None and rotation_in(record) is None and redact(record)
        line = _record_line(record, withhold=withhold)
        out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        written += 1
    return written


def _parse_checkpoint(data: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        seq=int(data["seq"]),
        hash=str(data["hash"]),
        ts=str(data["ts"]),
        key_id=str(data["key_id"]),
        signature=str(data["signature"]),
    )


def _parse_record(data: dict[str, Any]) -> StoredRecord:
    env = data["envelope"]
    payload = data["payload"]
    salt = data["salt"]
    return StoredRecord(
        seq=int(env["seq"]),
        id=env["id"],
        kind=env["kind"],
        ts=env["ts"],
        session_id=env["session_id"],
        deployment_id=env["deployment_id"],
        prev=env["prev"],
        commitment=env["commitment"],
        hash=data["hash"],
        payload=None if payload is None else canonical_json(payload),
        salt=None if salt is None else bytes.fromhex(salt),
    )


def verify_export(
    lines: Iterable[str],
    public_key: TrustRoots,
    *,
    require_signatures: bool = True,
) -> VerifyReport:
    """Verify a JSON Lines export (as written by `export_jsonl`), redacted or not."""
    checkpoints: list[Checkpoint] = []
    records: list[StoredRecord] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if "checkpoint" in data:
                checkpoints.append(_parse_checkpoint(data["checkpoint"]))
            else:
                records.append(_parse_record(data))
        except (ValueError, KeyError, TypeError):
            seq = len(records) + 1
            return VerifyReport(
                ok=False,
                records_checked=0,
                checkpoints_checked=0,
                first_bad_seq=seq,
                reason=f"line `{number}` of the export is not a ledger record; export it again",
            )
    checkpoints.sort(key=lambda c: c.seq)
    return verify_records(records, checkpoints, public_key, require_signatures=require_signatures)
