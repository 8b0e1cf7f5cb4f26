"""Verify on both backends: what it accepts, and how it names the first bad record."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.ledger import (
    LedgerNotFoundError,
    VerifyReport,
    sign_checkpoint,
    verify_ledger,
)

from .conftest import Backend, sample_events


def _build(backend: Backend, key: Ed25519PrivateKey, count: int = 12) -> None:
    with backend.open(signing_key=key, checkpoint_every=4) as store:
        for _ in range(count):
            store.append(sample_events(1))


def _sql(db: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(statement, params)
    finally:
        conn.close()


def _verify(backend: Backend, key: Ed25519PrivateKey) -> VerifyReport:
    return backend.verify(key.public_key())


def test_intact_ledger_verifies(backend: Backend, key: Ed25519PrivateKey) -> None:
    """A ledger written by the store verifies, counting records and checkpoints."""
    _build(backend, key)
    report = _verify(backend, key)
    assert report.ok, report.reason
    assert (report.records_checked, report.checkpoints_checked) == (12, 3)
    assert (report.first_bad_seq, report.reason) == (None, "")


def test_edited_payload_is_named(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Changing a stored payload breaks its commitment at that record."""
    _build(backend, key)
    backend.sql("UPDATE records SET payload = ? WHERE seq = 5", b"{}")
    report = _verify(backend, key)
    assert (report.ok, report.first_bad_seq) == (False, 5)
    assert report.reason.startswith("record `5` payload does not match its commitment")


def test_edited_envelope_field_is_named(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Changing an envelope column breaks that record's hash."""
    _build(backend, key)
    backend.sql("UPDATE records SET session_id = 'other' WHERE seq = 7")
    report = _verify(backend, key)
    assert report.first_bad_seq == 7
    assert report.reason == (
        "record `7` hash does not match its content; the ledger was altered at or before it"
    )


def test_deleted_middle_record_is_named(backend: Backend, key: Ed25519PrivateKey) -> None:
    """A gap in the sequence names the missing record."""
    _build(backend, key)
    backend.sql("DELETE FROM records WHERE seq = 3")
    report = _verify(backend, key)
    assert report.first_bad_seq == 3
    assert "record `3` is missing" in report.reason


def test_truncation_covered_by_a_checkpoint_is_caught(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """Deleting the tail that a checkpoint covers names the first deleted record."""
    _build(backend, key)
    backend.sql("DELETE FROM records WHERE seq > 9")
    report = _verify(backend, key)
    assert report.first_bad_seq == 10
    assert "the ledger was truncated" in report.reason


def test_withheld_payloads_still_verify(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Records whose payload and salt are NULL are checked through their envelope alone."""
    _build(backend, key)
    backend.sql("UPDATE records SET payload = NULL, salt = NULL WHERE seq IN (2, 8)")
    report = _verify(backend, key)
    assert report.ok, report.reason
    assert report.withheld == 2


def test_withholding_only_the_salt_is_caught(backend: Backend, key: Ed25519PrivateKey) -> None:
    """A payload without its salt cannot be checked, so it is reported."""
    _build(backend, key)
    backend.sql("UPDATE records SET salt = NULL WHERE seq = 4")
    assert _verify(backend, key).first_bad_seq == 4


def test_forged_checkpoint_signature_is_caught(backend: Backend, key: Ed25519PrivateKey) -> None:
    """A checkpoint whose signature was not made by the key fails at its record."""
    _build(backend, key)
    backend.sql("UPDATE checkpoints SET signature = ? WHERE seq = 8", "00" * 64)
    report = _verify(backend, key)
    assert report.first_bad_seq == 8
    assert "invalid signature" in report.reason


def test_other_public_key_is_rejected(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Verifying with another key fails at the first checkpoint, naming both key ids."""
    _build(backend, key)
    report = backend.verify(Ed25519PrivateKey.generate().public_key())
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert "pass the ledger's own public key" in report.reason


def test_checkpoints_need_a_key_unless_waived(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Without a public key, checkpoints fail closed unless signatures are explicitly waived."""
    _build(backend, key)
    assert not backend.verify(None).ok
    waived = backend.verify(None, require_signatures=False)
    assert waived.ok
    assert not waived.signatures_checked


def test_rewritten_chain_disagrees_with_its_checkpoint(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """A record whose stored hash differs from the one its checkpoint signed is caught there."""
    _build(backend, key, count=4)
    forged = sign_checkpoint(key, 4, "ab" * 32)
    backend.sql(
        "UPDATE checkpoints SET hash = ?, signature = ? WHERE seq = 4",
        forged.hash,
        forged.signature,
    )
    backend.sql("UPDATE checkpoints SET ts = ? WHERE seq = 4", forged.ts)
    report = _verify(backend, key)
    assert report.first_bad_seq == 4
    assert "differs from the hash its checkpoint signed" in report.reason


def test_missing_ledger_file_raises(tmp_path: Path) -> None:
    """Verifying a path that does not exist is an error, not an empty ledger that verifies."""
    with pytest.raises(LedgerNotFoundError, match="does not exist"):
        verify_ledger(tmp_path / "nope.db", None)


def test_envelope_column_of_the_wrong_type_is_reported_not_raised(
    db: Path, key: Ed25519PrivateKey
) -> None:
    """A column rewritten as a BLOB is named as a malformed record instead of crashing verify."""
    _build(Backend("sqlite", db), key)
    _sql(db, "UPDATE records SET kind = CAST('tool_call' AS BLOB) WHERE seq = 6")
    report = verify_ledger(db, key.public_key())
    assert report.first_bad_seq == 6
    assert "malformed envelope" in report.reason
