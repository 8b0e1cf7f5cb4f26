"""Key-rotation records on both backends: how verify follows trust through them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import Event, Lifecycle
from watchkeeper.ledger import LedgerReservedError, VerifyReport, key_id, verify_export
from watchkeeper.ledger._rotation import Rotation, endorse, rotation_event

from .conftest import Backend, sample_events

Make = Callable[[int, str], Event]


def _handover(old: Ed25519PrivateKey, new: Ed25519PrivateKey) -> Make:
    """The rotation record from `old` to `new`, built at the head it follows."""

    def make(seq: int, head_hash: str) -> Event:
        return rotation_event(
            endorse(old, new, follows_seq=seq, follows_hash=head_hash, reason="test")
        )

    return make


def _write(
    backend: Backend, key: Ed25519PrivateKey, count: int, rotation: Make | None = None
) -> None:
    """Append `count` events signed by `key` (a checkpoint every 3 and on close), then
    `rotation` if given (covered by `key`'s checkpoint on close)."""
    with backend.open(signing_key=key, checkpoint_every=3) as store:
        for _ in range(count):
            store.append(sample_events(1))
        if rotation is not None:
            store.append_rotation(rotation)


def _rotated(backend: Backend, a: Ed25519PrivateKey, b: Ed25519PrivateKey) -> None:
    """Records 1-4 under `a`, the rotation a → b at 5, records 6-9 under `b`."""
    _write(backend, a, 4, _handover(a, b))
    _write(backend, b, 4)


def _verify(backend: Backend, *roots: Ed25519PrivateKey) -> VerifyReport:
    return backend.verify([k.public_key() for k in roots])


@pytest.fixture
def new_key() -> Ed25519PrivateKey:
    """The key rotated to."""
    return Ed25519PrivateKey.generate()


def test_rotated_ledger_verifies_from_the_old_key(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """A rotation endorsed by the trusted key makes the new key's later checkpoints trusted."""
    _rotated(backend, key, new_key)
    report = _verify(backend, key)
    assert report.ok, report.reason
    assert (report.records_checked, report.rotations) == (9, 1)
    assert report.signing_key_id == key_id(new_key.public_key())


def test_rotated_ledger_verifies_from_only_the_new_key(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """The newest key alone verifies the whole history, old checkpoints included."""
    _rotated(backend, key, new_key)
    report = _verify(backend, new_key)
    assert report.ok, report.reason
    assert report.checkpoints_checked == len(backend.checkpoint_seqs())


def test_new_key_root_still_checks_old_checkpoint_signatures(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """Verifying from the new key checks the old key's checkpoints against the recorded key."""
    _rotated(backend, key, new_key)
    backend.sql("UPDATE checkpoints SET signature = ? WHERE seq = 3", "00" * 64)
    report = _verify(backend, new_key)
    assert (report.ok, report.first_bad_seq) == (False, 3)
    assert "invalid signature" in report.reason


def test_chain_of_rotations_verifies_from_its_newest_key(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """Two rotations: the newest key vouches back through both handovers."""
    third = Ed25519PrivateKey.generate()
    _write(backend, key, 2, _handover(key, new_key))
    _write(backend, new_key, 2, _handover(new_key, third))
    _write(backend, third, 2)
    for root in (key, new_key, third):
        report = _verify(backend, root)
        assert (report.ok, report.rotations) == (True, 2), report.reason


def test_checkpoint_by_an_unendorsed_key_is_named(backend: Backend, key: Ed25519PrivateKey) -> None:
    """A writer with a key no rotation endorsed fails at its checkpoint, even between good ones."""
    _write(backend, key, 3)
    _write(backend, Ed25519PrivateKey.generate(), 3)
    _write(backend, key, 3)
    report = _verify(backend, key)
    assert (report.ok, report.first_bad_seq) == (False, 6)
    assert "pass the ledger's own public key" in report.reason


def test_forged_rotation_by_an_unknown_key_is_named(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """A rotation endorsed by a key nobody trusts fails at the rotation record itself."""
    forger, successor = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    _write(backend, key, 4)
    _write(backend, forger, 1, _handover(forger, successor))
    _write(backend, successor, 3)
    report = _verify(backend, key)
    assert (report.ok, report.first_bad_seq) == (False, 6)
    assert f"endorsement of key `{key_id(forger.public_key())}`" in report.reason


def test_endorsement_that_does_not_verify_is_named(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """A rotation whose old-key signature is not over its statement fails at that record."""

    def make(seq: int, head_hash: str) -> Event:
        good = endorse(key, new_key, follows_seq=seq, follows_hash=head_hash, reason="x")
        forged = Rotation(**{**good.as_detail(), "reason": "edited after signing"})
        return rotation_event(forged)

    _write(backend, key, 4, make)
    report = _verify(backend, key)
    assert (report.ok, report.first_bad_seq) == (False, 5)
    assert "endorsement" in report.reason
    assert "does not verify" in report.reason


def test_rotation_endorsed_for_another_place_is_named(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """A genuine rotation replayed after another record fails: it names the head it follows."""

    def make(seq: int, head_hash: str) -> Event:
        del seq
        return rotation_event(
            endorse(key, new_key, follows_seq=1, follows_hash=head_hash, reason="x")
        )

    _write(backend, key, 4, make)
    report = _verify(backend, key)
    assert (report.ok, report.first_bad_seq) == (False, 5)
    assert "another place in the chain" in report.reason


def test_retired_key_cannot_sign_after_the_new_keys_first_checkpoint(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """Once the new key has signed, a checkpoint by the old key fails, naming the rotation."""
    _rotated(backend, key, new_key)
    _write(backend, key, 2)
    report = _verify(backend, key)
    assert (report.ok, report.first_bad_seq) == (False, 11)
    assert "which record `5` retired" in report.reason


def test_retired_key_may_sign_until_the_new_key_has(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """A writer that has not reloaded yet may still sign with the old key after the rotation."""
    _write(backend, key, 4, _handover(key, new_key))
    _write(backend, key, 2)
    _write(backend, new_key, 2)
    assert _verify(backend, key).ok
    assert _verify(backend, new_key).ok


def test_clients_cannot_append_a_rotation(backend: Backend, key: Ed25519PrivateKey) -> None:
    """A `key-rotation` lifecycle event through `append` is refused; nothing is recorded."""
    with backend.open(signing_key=key) as store, pytest.raises(LedgerReservedError):
        store.append([Lifecycle(session_id="s", phase="key-rotation", detail={})])
    assert backend.count() == 0


def test_export_never_withholds_a_rotation(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """Redacting every record keeps the rotation's payload, so the export still verifies."""
    _rotated(backend, key, new_key)
    out = io.StringIO()
    backend.source().export_jsonl(out, redact=lambda r: True)
    lines = out.getvalue().splitlines()
    rotation = json.loads(next(line for line in lines if '"key-rotation"' in line))
    assert rotation["payload"]["phase"] == "key-rotation"
    report = verify_export(lines, key.public_key())
    assert report.ok, report.reason
    assert report.withheld == 8


def test_rotation_by_a_retired_key_is_named(
    backend: Backend, key: Ed25519PrivateKey, new_key: Ed25519PrivateKey
) -> None:
    """A leaked old key cannot rotate to a key of its own after the new key has signed."""
    _rotated(backend, key, new_key)
    thief = Ed25519PrivateKey.generate()
    _write(backend, new_key, 1, _handover(key, thief))
    _write(backend, thief, 2)
    for root in (key, new_key):
        report = _verify(backend, root)
        assert (report.ok, report.first_bad_seq) == (False, 11), report.reason
        assert "which record `5` retired" in report.reason
