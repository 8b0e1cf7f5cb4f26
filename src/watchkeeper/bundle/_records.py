"""Reading bundle members: record lines and checkpoints, as the ledger's own types."""

from __future__ import annotations

import json
from typing import Any

from watchkeeper.events import canonical_json
from watchkeeper.ledger import Checkpoint, StoredRecord

__all__ = ["parse_checkpoints", "parse_record", "record_from_data", "record_payload"]


def parse_record(line: str) -> StoredRecord:
    """Parse one `records.jsonl` line (the ledger's JSONL export format); raise ValueError."""
    return record_from_data(json.loads(line))


def record_from_data(data: Any) -> StoredRecord:
    """Build a record from one parsed `records.jsonl` line; raise ValueError if it is not one."""
    try:
        env = data["envelope"]
        payload = data["payload"]
        salt = data["salt"]
        return StoredRecord(
            seq=int(env["seq"]),
            id=str(env["id"]),
            kind=str(env["kind"]),
            ts=str(env["ts"]),
            session_id=str(env["session_id"]),
            deployment_id=str(env["deployment_id"]),
            prev=str(env["prev"]),
            commitment=str(env["commitment"]),
            hash=str(data["hash"]),
            payload=None if payload is None else canonical_json(payload),
            salt=None if salt is None else bytes.fromhex(salt),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(str(exc)) from exc


def record_payload(record: StoredRecord) -> dict[str, Any] | None:
    """Return the record's payload as JSON data, or None when it was withheld."""
    if record.payload is None:
        return None
    data = json.loads(record.payload)
    return data if isinstance(data, dict) else None


def parse_checkpoints(data: bytes) -> list[Checkpoint]:
    """Parse `checkpoints.json` (a JSON list of checkpoint objects), sorted by seq."""
    try:
        items = json.loads(data)
        checkpoints = [
            Checkpoint(
                seq=int(item["seq"]),
                hash=str(item["hash"]),
                ts=str(item["ts"]),
                key_id=str(item["key_id"]),
                signature=str(item["signature"]),
            )
            for item in items
        ]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(str(exc)) from exc
    return sorted(checkpoints, key=lambda c: c.seq)
