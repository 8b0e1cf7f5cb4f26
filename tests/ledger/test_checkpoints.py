"""Signed checkpoints: every N records, after an idle interval, and on close."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.ledger import SqliteLedger, key_id, verify_ledger
from watchkeeper.ledger._schema import connect_reader, read_checkpoints

from .conftest import sample_events


def _checkpoint_seqs(db: Path) -> list[int]:
    conn = connect_reader(db)
    try:
        return [c.seq for c in read_checkpoints(conn)]
    finally:
        conn.close()


def test_checkpoint_every_n_records(db: Path, key: Ed25519PrivateKey) -> None:
    """With `checkpoint_every=3`, one-event appends are checkpointed at 3, 6 and 9."""
    with SqliteLedger(db, signing_key=key, checkpoint_every=3) as store:
        for _ in range(10):
            store.append(sample_events(1))
        assert _checkpoint_seqs(db) == [3, 6, 9]
    assert _checkpoint_seqs(db) == [3, 6, 9, 10]


def test_checkpoint_on_close_signs_the_head(db: Path, key: Ed25519PrivateKey) -> None:
    """Closing signs the final head with the store's key."""
    with SqliteLedger(db, signing_key=key) as store:
        receipts = store.append(sample_events(4))
    conn = connect_reader(db)
    try:
        (checkpoint,) = read_checkpoints(conn)
    finally:
        conn.close()
    assert (checkpoint.seq, checkpoint.hash) == (4, receipts[-1].hash)
    assert checkpoint.key_id == key_id(key.public_key())
    assert checkpoint.signature_valid(key.public_key())


def test_checkpoint_after_idle_interval(db: Path, key: Ed25519PrivateKey) -> None:
    """An idle writer signs unsigned records once the interval has passed."""
    with SqliteLedger(db, signing_key=key, checkpoint_interval=0.2) as store:
        store.append(sample_events(2))
        deadline = time.monotonic() + 5
        while not _checkpoint_seqs(db) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _checkpoint_seqs(db) == [2]


def test_no_checkpoints_without_a_key(db: Path) -> None:
    """A store opened without a signing key writes records but no checkpoints."""
    with SqliteLedger(db) as store:
        store.append(sample_events(3))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM checkpoints").fetchone() == (0,)
    conn.close()


def test_close_without_new_records_adds_no_checkpoint(db: Path, key: Ed25519PrivateKey) -> None:
    """Reopening and closing an already checkpointed ledger does not sign its head again."""
    with SqliteLedger(db, signing_key=key) as store:
        store.append(sample_events(2))
    with SqliteLedger(db, signing_key=key):
        pass
    assert _checkpoint_seqs(db) == [2]


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
