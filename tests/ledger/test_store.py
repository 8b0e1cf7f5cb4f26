"""The ledger store on both backends: durable appends, typed reads, close semantics."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import ToolCall
from watchkeeper.ledger import (
    LedgerClosedError,
    LedgerEncodeError,
    LedgerOpenError,
    LedgerWriteError,
    SqliteLedger,
    read_events,
    verify_ledger,
)

from .conftest import Backend, Store, sample_events


def test_append_returns_consecutive_receipts_ending_at_head(ledger_store: Store) -> None:
    """Receipts number events 1..n in order and the last one is the chain head."""
    events = sample_events(7)
    receipts = ledger_store.append(events)
    assert [r.seq for r in receipts] == list(range(1, 8))
    assert [r.event_id for r in receipts] == [e.id for e in events]
    head = ledger_store.head()
    assert (head.seq, head.hash) == (7, receipts[-1].hash)


def test_events_read_back_as_equal_typed_records(ledger_store: Store) -> None:
    """Every kind of event comes back as the same pydantic record it went in as."""
    events = sample_events(14)
    ledger_store.append(events)
    assert [event for _, event in ledger_store.events()] == events


def test_events_filters_by_session_after_seq_and_limit(ledger_store: Store) -> None:
    """`session_id`, `after_seq` and `limit` narrow the read, in sequence order."""
    ledger_store.append(sample_events(3, session_id="a") + sample_events(3, session_id="b"))
    assert [seq for seq, _ in ledger_store.events(session_id="b")] == [4, 5, 6]
    assert [seq for seq, _ in ledger_store.events(after_seq=4)] == [5, 6]
    assert [seq for seq, _ in ledger_store.events(limit=2)] == [1, 2]
    assert [seq for seq, _ in ledger_store.events(session_id="a", after_seq=1, limit=1)] == [2]


def test_events_pages_through_long_ledgers(ledger_store: Store) -> None:
    """Reads longer than one page return every event exactly once."""
    ledger_store.append(sample_events(1201))
    assert [seq for seq, _ in ledger_store.events()] == list(range(1, 1202))
    assert len(list(ledger_store.events(limit=700))) == 700


def test_close_commits_everything_already_submitted(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """Futures submitted before close all resolve, and their events are on disk."""
    store = backend.open(signing_key=key)
    futures = [store.submit(sample_events(3)) for _ in range(50)]
    store.close()
    assert all(f.done() for f in futures)
    assert sum(len(f.result()) for f in futures) == 150
    assert backend.count() == 150


def test_submit_after_close_raises(backend: Backend) -> None:
    """A closed store refuses new events instead of dropping them silently."""
    store = backend.open()
    store.close()
    with pytest.raises(LedgerClosedError, match="is closed"):
        store.submit(sample_events(1))


def test_append_after_close_raises(backend: Backend) -> None:
    """`append` on a closed store raises at once, like `submit`."""
    store = backend.open()
    store.close()
    with pytest.raises(LedgerClosedError, match="is closed"):
        store.append(sample_events(1))


def test_unencodable_event_fails_its_append_only(ledger_store: Store) -> None:
    """`append` raises LedgerEncodeError for an unencodable event; the store keeps working."""
    bad = ToolCall(session_id="s", tool="Bash", args={"x": float("nan")})
    with pytest.raises(LedgerEncodeError, match=bad.id):
        ledger_store.append([*sample_events(1), bad])
    assert [r.seq for r in ledger_store.append(sample_events(1))] == [1]


def test_reopened_ledger_continues_the_chain(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Appending after a reopen links to the previous head and the whole ledger verifies."""
    with backend.open(signing_key=key) as store:
        store.append(sample_events(4))
    with backend.open(signing_key=key) as store:
        receipts = store.append(sample_events(3))
    assert [r.seq for r in receipts] == [5, 6, 7]
    report = backend.verify(key.public_key())
    assert report.ok, report.reason
    assert report.records_checked == 7


def test_unencodable_event_fails_its_future_only(ledger_store: Store) -> None:
    """An event that cannot be canonical JSON fails through its future; the store keeps working."""
    bad = ToolCall(session_id="s", tool="Bash", args={"x": "\ud800"})
    future = ledger_store.submit([bad])
    with pytest.raises(LedgerEncodeError, match=bad.id):
        future.result()
    assert [r.seq for r in ledger_store.append(sample_events(1))] == [1]


def test_empty_ledger_head_is_genesis(ledger_store: Store) -> None:
    """A new ledger has head seq 0 and the all-zero hash."""
    head = ledger_store.head()
    assert (head.seq, head.hash) == (0, "0" * 64)


def test_failed_commit_fails_its_futures_and_keeps_the_chain(
    db: Path, key: Ed25519PrivateKey
) -> None:
    """A refused batch raises LedgerWriteError, records nothing, and later appends chain on."""
    with SqliteLedger(db, signing_key=key) as store:
        store.append(sample_events(2))
        conn = sqlite3.connect(db)
        with conn:
            conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON records WHEN NEW.session_id = 'boom' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
        conn.close()
        with pytest.raises(LedgerWriteError, match="refused by test trigger"):
            store.append(sample_events(2, session_id="boom"))
        assert [r.seq for r in store.append(sample_events(1))] == [3]
    report = verify_ledger(db, key.public_key())
    assert report.ok, report.reason
    assert report.records_checked == 3


def test_cancelled_submission_is_not_recorded(db: Path) -> None:
    """A future cancelled before the writer takes it is dropped, not half-recorded."""
    store = SqliteLedger(db)
    try:
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        first = store.submit(sample_events(1))
        time.sleep(0.5)  # the writer has taken `first` and waits for the lock
        second = store.submit(sample_events(1))
        assert second.cancel()
        blocker.execute("COMMIT")
        blocker.close()
        first.result()
    finally:
        store.close()
    assert [seq for seq, _ in read_events(db)] == [1]


def test_unopenable_path_raises_open_error(tmp_path: Path) -> None:
    """A ledger in a directory that does not exist fails at construction, naming the path."""
    with pytest.raises(LedgerOpenError, match="cannot be opened for writing"):
        SqliteLedger(tmp_path / "missing" / "ledger.db")


def test_file_that_is_not_sqlite_raises_open_error(tmp_path: Path) -> None:
    """Opening a file that is not a SQLite database fails instead of hanging or overwriting it."""
    path = tmp_path / "ledger.db"
    path.write_bytes(b"this is not a database, just some text " * 100)
    with pytest.raises(LedgerOpenError, match="check that it is a ledger"):
        SqliteLedger(path)
    assert path.read_bytes().startswith(b"this is not a database")


def test_failed_submission_does_not_sink_others_in_its_commit(db: Path) -> None:
    """When one submission in a shared batch is refused, the others in that batch still commit."""
    store = SqliteLedger(db)
    try:
        conn = sqlite3.connect(db)
        with conn:
            conn.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON records WHEN NEW.session_id = 'boom' "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
        conn.close()
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        store.submit(sample_events(1))
        time.sleep(0.5)  # the writer holds the first job and waits for the lock
        bad = store.submit(sample_events(1, session_id="boom"))
        good = store.submit(sample_events(2, session_id="fine"))
        blocker.execute("COMMIT")
        blocker.close()
        assert [r.seq for r in good.result()] == [2, 3]
        with pytest.raises(LedgerWriteError):
            bad.result()
    finally:
        store.close()
    assert verify_ledger(db, None).ok


def test_new_ledger_file_is_private(tmp_path: Path) -> None:
    """A new ledger database is readable by its owner only (it holds full payloads)."""
    with SqliteLedger(tmp_path / "private.db"):
        pass
    assert (tmp_path / "private.db").stat().st_mode & 0o777 == 0o600


def test_appends_follow_a_head_moved_by_another_writer(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """When another store appends in between, the next append links onto the new head."""
    with backend.open(signing_key=key) as first:
        first.append(sample_events(2))
        with backend.open(signing_key=key) as second:
            assert [r.seq for r in second.append(sample_events(3))] == [3, 4, 5]
        receipts = first.append(sample_events(2))
        assert [r.seq for r in receipts] == [6, 7]
        assert first.head().hash == receipts[-1].hash
    report = backend.verify(key.public_key())
    assert report.ok, report.reason
    assert report.records_checked == 7


def test_submissions_of_every_size_commit_whole(backend: Backend, key: Ed25519PrivateKey) -> None:
    """Submissions of odd sizes, and one larger than a single insert, keep a gapless chain."""
    sizes = [1, 2, 3, 5, 17, 100, 4097]
    with backend.open(signing_key=key) as store:
        futures = [store.submit(sample_events(n, session_id=f"n{n}")) for n in sizes]
        receipts = [future.result() for future in futures]
    assert [len(r) for r in receipts] == sizes
    flat = [r.seq for rs in receipts for r in rs]
    assert flat == list(range(1, sum(sizes) + 1))
    report = backend.verify(key.public_key())
    assert report.ok, report.reason
    assert report.records_checked == sum(sizes)
    assert len(list(backend.source().events(session_id="n4097"))) == 4097
