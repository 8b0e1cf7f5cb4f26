"""The group-commit writer: every waiter gets an answer, even when the writer fails."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from watchkeeper.ledger import LedgerClosedError, LedgerWriteError, Receipt
from watchkeeper.ledger._chain import Sealed, seal_all
from watchkeeper.ledger._writer import GroupCommitWriter

from .conftest import sample_events


def _writer(db: Path) -> GroupCommitWriter:
    return GroupCommitWriter(
        db, signing_key=None, checkpoint_every=1000, checkpoint_interval=60.0, max_batch=4096
    )


def test_append_and_submit_share_commits_and_get_their_own_receipts(db: Path) -> None:
    """Blocking and future-based jobs committed together each get their own receipts."""
    writer = _writer(db)
    try:
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        first = writer.put(seal_all(sample_events(1)))
        time.sleep(0.3)  # the writer holds `first` and waits for the lock
        got: list[list[Receipt]] = []
        appender = threading.Thread(
            target=lambda: got.append(writer.write(seal_all(sample_events(2))))
        )
        appender.start()
        third = writer.put(seal_all(sample_events(3)))
        deadline = time.monotonic() + 10
        # Both jobs must be queued before the writer gets the lock, so that they share a commit.
        while writer._queue.qsize() < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        blocker.execute("COMMIT")
        blocker.close()
        appender.join()
        seqs = sorted(r.seq for r in first.result() + got[0] + third.result())
        stats = writer.stats()
    finally:
        writer.close()
    assert seqs == list(range(1, 7))
    assert stats.events == 6
    assert stats.commits == 2


def test_a_crashing_writer_answers_every_waiter_and_refuses_more(db: Path) -> None:
    """A job the writer cannot even link fails its batch, and the closed writer refuses more."""
    writer = _writer(db)
    try:
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        first = writer.put(seal_all(sample_events(1)))
        time.sleep(0.3)  # the writer holds `first` and waits for the lock
        good = seal_all(sample_events(1))[0]
        broken = Sealed(*good[:8], head=None, tail=None)  # type: ignore[arg-type]  # unlinkable on purpose
        errors: list[BaseException] = []

        def append_broken() -> None:
            try:
                writer.write([broken])
            except LedgerWriteError as exc:
                errors.append(exc)

        appender = threading.Thread(target=append_broken)
        appender.start()
        time.sleep(0.1)
        blocker.execute("COMMIT")
        blocker.close()
        appender.join(timeout=10)
        assert not appender.is_alive()
        assert [r.seq for r in first.result()] == [1]
        assert len(errors) == 1
        with pytest.raises(LedgerClosedError):
            writer.write(seal_all(sample_events(1)))
    finally:
        writer.close()
