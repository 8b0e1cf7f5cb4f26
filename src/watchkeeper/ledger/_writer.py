"""The single writer: one thread, one connection, a queue, and group commit.

Every `submit` becomes one job on the queue. The writer takes whatever jobs are waiting (up to
`max_batch` events), links them onto the chain inside one `BEGIN IMMEDIATE` transaction,
commits (`synchronous=FULL`, so the commit is on disk), and only then resolves each job's
future. Many concurrent submitters therefore share one fsync. A job is never split across
transactions, so the events of one `submit` are recorded all together or not at all.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.ledger._chain import GENESIS, STORED_FIELDS, Sealed
from watchkeeper.ledger._checkpoint import CheckpointSchedule, sign_checkpoint
from watchkeeper.ledger._errors import LedgerClosedError, LedgerWriteError
from watchkeeper.ledger._schema import (
    INSERT_CHECKPOINT,
    RECORD_FIELDS,
    connect_writer,
    insert_records,
    read_head,
)
from watchkeeper.ledger._store import Receipt

__all__ = ["GroupCommitWriter", "WriterStats"]


@dataclass(frozen=True, slots=True)
class WriterStats:
    """How many transactions the writer committed and how many events they held."""

    commits: int
    events: int
    checkpoints: int


@dataclass(frozen=True, slots=True)
class _Job:
    items: Sequence[Sealed]
    future: Future[list[Receipt]]


_STOP = object()


class GroupCommitWriter:
    """Own the write connection on one thread; see the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        signing_key: Ed25519PrivateKey | None,
        checkpoint_every: int,
        checkpoint_interval: float,
        max_batch: int,
    ) -> None:
        self._path = path
        self._key = signing_key
        self._max_batch = max_batch
        self._checkpoint_every = checkpoint_every
        self._checkpoint_interval = checkpoint_interval
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._failure: BaseException | None = None
        self._commits = 0
        self._events = 0
        self._checkpoints = 0
        self._schedule: CheckpointSchedule | None = None
        # The chain head as last committed by this writer; None means "read it again".
        self._head: tuple[int, bytes] | None = None
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name=f"ledger-writer:{path.name}", daemon=True
        )
        self._thread.start()
        try:
            ready.result()
        except BaseException:
            self._thread.join()
            raise

    def put(self, items: Sequence[Sealed]) -> Future[list[Receipt]]:
        """Queue `items` as one job; the future resolves after they are committed."""
        future: Future[list[Receipt]] = Future()
        with self._lock:
            if self._closed or self._failure is not None:
                msg = f"ledger `{self._path}` is closed; open a new store to append"
                raise LedgerClosedError(msg)
            self._queue.put(_Job(items, future))
        return future

    def stats(self) -> WriterStats:
        """Return the commit counters so far."""
        with self._lock:
            return WriterStats(self._commits, self._events, self._checkpoints)

    def close(self) -> None:
        """Stop taking jobs, commit everything queued, sign a last checkpoint, and join."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()

    # The writer thread.

    def _run(self, ready: Future[None]) -> None:
        conn: sqlite3.Connection | None = None
        try:
            conn = connect_writer(self._path)
            self._loop(conn, ready)
        except BaseException as exc:  # noqa: BLE001 - reported to the constructor or to every waiter
            if ready.done():
                self._fail_pending(exc)
            else:
                ready.set_exception(exc)
        finally:
            if conn is not None:
                conn.close()

    def _loop(self, conn: sqlite3.Connection, ready: Future[None]) -> None:
        head = read_head(conn)
        last_checkpoint = conn.execute("SELECT coalesce(max(seq), 0) FROM checkpoints")
        self._schedule = CheckpointSchedule(
            every=self._checkpoint_every,
            interval=self._checkpoint_interval,
            last_seq=int(last_checkpoint.fetchone()[0]),
        )
        head_seq = 0 if head is None else head[0]
        ready.set_result(None)
        stopping = False
        while not stopping:
            wait = self._schedule.wait_time(head_seq) if self._key is not None else None
            try:
                first = self._queue.get(timeout=wait)
            except queue.Empty:
                head_seq = self._commit(conn, [], force_checkpoint=False)
                continue
            batch: list[_Job] = []
            size = 0
            item = first
            while True:
                if item is _STOP:
                    stopping = True
                    break
                if isinstance(item, _Job) and item.future.set_running_or_notify_cancel():
                    batch.append(item)
                    size += len(item.items)
                if size >= self._max_batch:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            head_seq = self._commit(conn, batch, force_checkpoint=stopping)

    def _commit(
        self, conn: sqlite3.Connection, batch: list[_Job], *, force_checkpoint: bool
    ) -> int:
        """Commit `batch` (and a checkpoint if one is due); return the head seq afterwards."""
        cached = False
        try:
            conn.execute("BEGIN IMMEDIATE")
            cached = self._head is not None
            if self._head is None:
                head = read_head(conn)
                self._head = (0, GENESIS) if head is None else (head[0], bytes.fromhex(head[1]))
            seq, prev = self._head
            prev_hex = prev.hex()
            flat: list[object] = []
            receipts: list[list[Receipt]] = []
            for job in batch:
                job_receipts = []
                for item in job.items:
                    seq += 1
                    digest = item.link(seq, prev, prev_hex)
                    hex_digest = digest.hex()
                    flat += item[:STORED_FIELDS]
                    flat += (seq, prev_hex, hex_digest)
                    job_receipts.append(Receipt(seq, hex_digest, item.event_id))
                    prev, prev_hex = digest, hex_digest
                receipts.append(job_receipts)
            written = len(flat) // RECORD_FIELDS
            insert_records(conn, flat)
            signed = self._sign_if_due(conn, seq, prev_hex, force=force_checkpoint)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._head = None
            self._rollback(conn)
            if cached:
                # Another connection may have appended since our last commit (the sequence
                # number then collides): link the batch again onto the head read afresh.
                return self._commit(conn, batch, force_checkpoint=force_checkpoint)
            if len(batch) > 1:
                # One submission must not sink the others that happened to share its commit.
                for job in batch:
                    self._commit(conn, [job], force_checkpoint=force_checkpoint)
            else:
                self._fail(batch, exc)
            head = read_head(conn)
            return 0 if head is None else head[0]
        except BaseException as exc:
            self._head = None
            self._rollback(conn)
            self._fail(batch, exc)
            raise
        self._head = (seq, prev)
        if signed and self._schedule is not None:
            self._schedule.signed(seq)
        with self._lock:
            self._commits += 1 if written or signed else 0
            self._events += written
            self._checkpoints += int(signed)
        for job, job_receipts in zip(batch, receipts, strict=True):
            job.future.set_result(job_receipts)
        return seq

    def _sign_if_due(self, conn: sqlite3.Connection, seq: int, head: str, *, force: bool) -> bool:
        """Insert a signed checkpoint of head `seq` if one is due; return whether it was."""
        schedule = self._schedule
        if (
            self._key is None
            or schedule is None
            or not (schedule.due(seq) or (force and seq > schedule.last_seq))
        ):
            return False
        checkpoint = sign_checkpoint(self._key, seq, head)
        conn.execute(
            INSERT_CHECKPOINT,
            (
                checkpoint.seq,
                checkpoint.hash,
                checkpoint.ts,
                checkpoint.key_id,
                checkpoint.signature,
            ),
        )
        return True

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the connection is broken; the caller reports the original error

    def _fail(self, batch: list[_Job], exc: BaseException) -> None:
        """Fail every job of `batch`: none of its events were recorded."""
        count = sum(len(job.items) for job in batch)
        msg = (
            f"ledger `{self._path}` could not commit a batch of `{count}` events ({exc}); "
            "they were not recorded, check the disk and retry"
        )
        error = LedgerWriteError(msg)
        for job in batch:
            job.future.set_exception(error)

    def _fail_pending(self, exc: BaseException) -> None:
        with self._lock:
            self._failure = exc
        error = LedgerWriteError(
            f"ledger `{self._path}` writer stopped ({exc!r}); reopen the ledger to append"
        )
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Job) and not item.future.done():
                item.future.set_exception(error)
