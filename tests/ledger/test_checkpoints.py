"""Signed checkpoints on both backends: every N records, after an idle interval, and on close."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.ledger import SqliteLedger, key_id, verify_ledger
from watchkeeper.ledger._schema import connect_reader, read_checkpoints

from .conftest import Backend, sample_events


def _checkpoint_seqs(db: Path) -> list[int]:
    conn = connect_reader(db)
    try:
        return [c.seq for c in read_checkpoints(conn)]
    finally:
        conn.close()


def test_checkpoint_every_n_records(backend: Backend, key: Ed25519PrivateKey) -> None:
    """With `checkpoint_every=3`, one-event appends are checkpointed at 3, 6 and 9."""
    with backend.open(signing_key=key, checkpoint_every=3) as store:
        for _ in range(10):
            store.append(sample_events(1))
        assert backend.checkpoint_seqs() == [3, 6, 9]
    assert backend.checkpoint_seqs() == [3, 6, 9, 10]


def test_checkpoint_on_close_signs_the_head(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Closing signs the final head with the store's key, and the ledger verifies."""
    with backend.open(signing_key=key) as store:
        receipts = store.append(sample_events(4))
    ((seq, digest, found_key_id),) = backend.query("SELECT seq, hash, key_id FROM checkpoints")
    assert (seq, digest) == (4, receipts[-1].hash)
    assert found_key_id == key_id(key.public_key())
    report = backend.verify(key.public_key())
    assert (report.ok, report.checkpoints_checked) == (True, 1)


def test_checkpoint_after_idle_interval(backend: Backend, key: Ed25519PrivateKey) -> None:
    """An idle writer signs unsigned records once the interval has passed."""
    with backend.open(signing_key=key, checkpoint_interval=0.2) as store:
        store.append(sample_events(2))
        deadline = time.monotonic() + 5
        while not backend.checkpoint_seqs() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert backend.checkpoint_seqs() == [2]


def test_no_checkpoints_without_a_key(backend: Backend) -> None:
    """A store opened without a signing key writes records but no checkpoints."""
    with backend.open() as store:
        store.append(sample_events(3))
    assert backend.checkpoint_seqs() == []
    assert backend.count() == 3


def test_close_without_new_records_adds_no_checkpoint(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """Reopening and closing an already checkpointed ledger does not sign its head again."""
    with backend.open(signing_key=key) as store:
        store.append(sample_events(2))
    with backend.open(signing_key=key):
        pass
    assert backend.checkpoint_seqs() == [2]


def test_refused_checkpoint_keeps_the_records_and_is_signed_later(
    db: Path, key: Ed25519PrivateKey
) -> None:
    """A checkpoint SQLite refuses does not fail the appends it covers; the next commit signs."""
    with SqliteLedger(db, signing_key=key, checkpoint_every=2) as store:
        store.append(sample_events(1))
        conn = sqlite3.connect(db)
        with conn:
            conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON checkpoints "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
        assert [r.seq for r in store.append(sample_events(2))] == [2, 3]
        assert _checkpoint_seqs(db) == []
        with conn:
            conn.execute("DROP TRIGGER refuse")
        conn.close()
        store.append(sample_events(1))
        assert _checkpoint_seqs(db) == [4]
    report = verify_ledger(db, key.public_key())
    assert report.ok, report.reason
