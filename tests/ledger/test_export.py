"""JSON Lines export on both backends: complete, redactable, and verifiable on its own."""

from __future__ import annotations

import io
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import parse_event
from watchkeeper.ledger import Redactor, verify_export

from .conftest import Backend, sample_events


def _export(backend: Backend, redact: Redactor | None = None) -> list[str]:
    out = io.StringIO()
    backend.source().export_jsonl(out, redact=redact)
    return out.getvalue().splitlines()


def test_export_lists_checkpoints_then_every_record(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """Each record line holds its envelope, hash, full payload and salt."""
    events = sample_events(6)
    with backend.open(signing_key=key, checkpoint_every=3) as store:
        store.append(events[:3])
        store.append(events[3:])
    lines = [json.loads(line) for line in _export(backend)]
    assert [line["checkpoint"]["seq"] for line in lines[:2]] == [3, 6]
    records = lines[2:]
    assert [r["envelope"]["seq"] for r in records] == list(range(1, 7))
    assert [parse_event(r["payload"]) for r in records] == events
    assert all(len(bytes.fromhex(r["salt"])) == 32 for r in records)


def test_full_export_verifies(backend: Backend, key: Ed25519PrivateKey) -> None:
    """An unredacted export verifies with the ledger's public key."""
    with backend.open(signing_key=key, checkpoint_every=4) as store:
        store.append(sample_events(9))
    report = verify_export(_export(backend), key.public_key())
    assert report.ok, report.reason
    assert (report.records_checked, report.checkpoints_checked) == (9, 1)


def test_redacted_export_verifies_without_the_withheld_content(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """Withholding reasoning payloads keeps the export verifiable and drops their text."""
    with backend.open(signing_key=key) as store:
        store.append(sample_events(14))
    lines = _export(backend, redact=lambda record: record.kind == "reasoning")
    assert "thinking" not in "\n".join(lines)
    report = verify_export(lines, key.public_key())
    assert report.ok, report.reason
    assert report.withheld == 2


def test_edited_export_is_caught(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Changing a payload inside an export names that record."""
    with backend.open(signing_key=key) as store:
        store.append(sample_events(5))
    lines = _export(backend)
    record = json.loads(lines[3])
    record["payload"]["text"] = "rewritten"
    lines[3] = json.dumps(record)
    report = verify_export(lines, key.public_key())
    assert report.first_bad_seq == record["envelope"]["seq"]


def test_malformed_export_line_fails_closed(backend: Backend, key: Ed25519PrivateKey) -> None:
    """A line that is not a ledger record fails verification and names the line."""
    with backend.open(signing_key=key) as store:
        store.append(sample_events(2))
    report = verify_export([*_export(backend), "{not json"], key.public_key())
    assert not report.ok
    assert "line `4`" in report.reason
