"""The single writer: one thread, one connection, a queue, and group commit.

Every `submit` or `append` becomes one job on the queue. The writer takes whatever jobs are
waiting (up to `max_batch` events), links them onto the chain, writes them in one transaction,
commits (`synchronous=FULL`, so the commit is on disk), and only then acknowledges each job.
Many concurrent submitters therefore share one fsync. A job is never split across
transactions, so the events of one submission are recorded all together or not at all.

Under CPython's GIL the writer has to win the interpreter back after every SQLite call, and
with many submitting threads busy that wait costs more than the call. So a batch that fits
one statement is written by that single `INSERT` in autocommit mode (SQLite makes one
statement one transaction and commits it before the call returns); otherwise the writer wraps
the statements in `BEGIN IMMEDIATE` … `COMMIT`. A due checkpoint is signed and committed
right after, in a transaction of its own.

The signing key is looked at after every commit (one `stat`): when it cannot be read the
writer records that once in the ledger and keeps recording events unsigned, retrying once
a second while idle; when it can again, it records that and signs at once (`_signing.py`).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.ledger._chain import GENESIS, Sealed, link_rows, seal
from watchkeeper.ledger._checkpoint import CheckpointSchedule, sign_checkpoint
from watchkeeper.ledger._errors import LedgerClosedError, LedgerWriteError
from watchkeeper.ledger._keys import SigningKeyFile
from watchkeeper.ledger._schema import (
    INSERT_CHECKPOINT,
    MAX_STATEMENT_ROWS,
    connect_writer,
    insert_records,
    read_head,
)
from watchkeeper.ledger._signing import Signer, SigningProblem, SigningWatch
from watchkeeper.ledger._store import Receipt

__all__ = [
    "KEY_RETRY_SECONDS",
    "Build",
    "GroupCommitWriter",
    "Job",
    "QueuedWriter",
    "Signer",
    "WriterStats",
    "idle_wait",
    "signer",
]

Build = Callable[[int, bytes], Sealed]
"""Make the one event of a job from the head it will follow (seq, raw hash), at link time."""

#: How often an idle writer that cannot read its signing key looks at it again (seconds).
KEY_RETRY_SECONDS = 1.0


def signer(signing_key: Ed25519PrivateKey | SigningKeyFile | None) -> Signer | None:
    """Return how a writer gets its signing key: a fixed key, or the key file as it is now."""
    if signing_key is None:
        return None
    if isinstance(signing_key, SigningKeyFile):
        return signing_key.current
    return lambda: signing_key


def idle_wait(wait: float | None, problem: SigningProblem | None) -> float | None:
    """How long an idle writer blocks: the checkpoint `wait`, at least a key retry's worth
    while the key cannot be read (an overdue checkpoint must not spin the thread)."""
    if problem is None or wait is None:
        return wait
    return max(wait, KEY_RETRY_SECONDS)


@dataclass(frozen=True, slots=True)
class WriterStats:
    """How many transactions the writer committed and how many events they held."""

    commits: int
    events: int
    checkpoints: int


class Job:
    """One submission on its way through the writer.

    Mutable on purpose: the writer fills in `first_seq` and `hashes` (or `error`) and then
    acknowledges the job, either through `future` (`submit`) or by releasing `latch`, which
    the appending thread holds and blocks on (`append`: no `Future` to build, lock and wake).
    A job with `build` has its one item made by the writer from the head it follows.
    """

    __slots__ = ("build", "error", "first_seq", "future", "hashes", "items", "latch")

    def __init__(
        self,
        items: Sequence[Sealed],
        future: Future[list[Receipt]] | None,
        latch: threading.Lock | None,
        build: Build | None = None,
    ) -> None:
        self.items = items
        self.build = build
        self.future = future
        self.latch = latch
        self.first_seq = 0
        self.hashes: list[str] = []
        self.error: BaseException | None = None

    def receipts(self) -> list[Receipt]:
        """Return the receipts of a committed job, in submission order."""
        seq = self.first_seq
        return [
            Receipt(seq + i, digest, item.event_id)
            for i, (digest, item) in enumerate(zip(self.hashes, self.items, strict=True))
        ]

    def take(self) -> bool:
        """Mark the job as being written; False if its future was cancelled first."""
        return self.future is None or self.future.set_running_or_notify_cancel()

    def succeed(self) -> None:
        """Acknowledge the job: its events are committed."""
        if self.future is not None:
            self.future.set_result(self.receipts())
        elif self.latch is not None:
            self.latch.release()

    def fail(self, error: BaseException) -> None:
        """Report `error` to the job's submitter: none of its events were recorded."""
        if self.future is not None:
            if not self.future.done():
                self.future.set_exception(error)
        elif self.latch is not None and self.error is None:
            self.error = error
            self.latch.release()


_STOP = object()


class QueuedWriter:
    """What submitters see of a ledger writer: a queue of jobs, `close`, and the counters.

    A backend's writer subclasses it, sets its own state, then calls `_start`, which runs
    `_run(ready)` on the writer thread and waits for `ready` (so opening errors raise in the
    constructor). `_run` loops over `_next_batch` until it reports the stop.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._failure: BaseException | None = None
        self._commits = 0
        self._events = 0
        self._checkpoints = 0
        self._signing = SigningWatch(name)

    def signing_problem(self) -> SigningProblem | None:
        """Why this writer signs no checkpoints now (key missing or unreadable), or None."""
        return self._signing.problem

    def _start(self, thread_name: str) -> None:
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name=thread_name, daemon=True
        )
        self._thread.start()
        try:
            ready.result()
        except BaseException:
            self._thread.join()
            raise

    def _run(self, ready: Future[None]) -> None:
        raise NotImplementedError

    def put(self, items: Sequence[Sealed]) -> Future[list[Receipt]]:
        """Queue `items` as one job; the future resolves after they are committed."""
        future: Future[list[Receipt]] = Future()
        self._enqueue(Job(items, future, None))
        return future

    def write(self, items: Sequence[Sealed], build: Build | None = None) -> list[Receipt]:
        """Queue `items` as one job and block until they are committed; return the receipts.

        With `build`, the job is the one event `build(head_seq, head_hash)` makes when the
        writer links it, so it can name the record it follows.
        """
        latch = threading.Lock()
        latch.acquire()
        job = Job(items, None, latch, build)
        self._enqueue(job)
        latch.acquire()
        if job.error is not None:
            raise job.error
        return job.receipts()

    def _enqueue(self, job: Job) -> None:
        with self._lock:
            if self._closed or self._failure is not None:
                msg = f"ledger `{self._name}` is closed; open a new store to append"
                raise LedgerClosedError(msg)
            self._queue.put(job)

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

    def _next_batch(self, wait: float | None, max_batch: int) -> tuple[list[Job], bool] | None:
        """Wait up to `wait` seconds (None: for ever) for jobs; take what is queued.

        Returns the jobs (up to `max_batch` events, cancelled ones dropped) and whether
        `close` was called, or None when `wait` passed with nothing queued.
        """
        try:
            item = self._queue.get(timeout=wait)
        except queue.Empty:
            return None
        batch: list[Job] = []
        size = 0
        while True:
            if item is _STOP:
                return batch, True
            if isinstance(item, Job) and item.take():
                batch.append(item)
                size += len(item.items)
            if size >= max_batch:
                return batch, False
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return batch, False

    def _fail_pending(self, exc: BaseException) -> None:
        """The writer thread is going down: fail every job still queued."""
        with self._lock:
            self._failure = exc
        error = LedgerWriteError(
            f"ledger `{self._name}` writer stopped ({exc!r}); reopen the ledger to append"
        )
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, Job):
                item.fail(error)


class GroupCommitWriter(QueuedWriter):
    """Own the SQLite write connection on one thread; see the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        signing_key: Ed25519PrivateKey | SigningKeyFile | None,
        checkpoint_every: int,
        checkpoint_interval: float,
        max_batch: int,
    ) -> None:
        super().__init__(str(path))
        self._path = path
        self._key = signer(signing_key)
        self._max_batch = max_batch
        self._checkpoint_every = checkpoint_every
        self._checkpoint_interval = checkpoint_interval
        self._schedule: CheckpointSchedule | None = None
        # The chain head as last committed by this writer; None means "read it again".
        self._head: tuple[int, bytes] | None = None
        self._start(f"ledger-writer:{path.name}")

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
            taken = self._next_batch(idle_wait(wait, self.signing_problem()), self._max_batch)
            if taken is None:
                head_seq = self._commit(conn, [], force_checkpoint=False)
                continue
            batch, stopping = taken
            head_seq = self._commit(conn, batch, force_checkpoint=stopping)

    def _commit(self, conn: sqlite3.Connection, batch: list[Job], *, force_checkpoint: bool) -> int:
        """Commit `batch`, then a checkpoint if one is due; return the head seq afterwards."""
        committed: list[Job] = []
        try:
            if batch:
                self._write(conn, batch, committed)
            self._checkpoint(conn, force=force_checkpoint, alone=not batch)
        except BaseException as exc:
            # The writer is going down: nobody may be left waiting on a job it will not write.
            done = {id(job) for job in committed}
            self._fail([job for job in batch if id(job) not in done], exc)
            raise
        finally:
            # After the checkpoint, so an acknowledged append finds the checkpoint it made due.
            for job in committed:
                job.succeed()
        if self._head is None:
            head = read_head(conn)
            return 0 if head is None else head[0]
        return self._head[0]

    def _write(self, conn: sqlite3.Connection, batch: list[Job], committed: list[Job]) -> None:
        """Link and commit `batch` in one transaction; add its jobs to `committed`.

        Up to `MAX_STATEMENT_ROWS` events onto a known head take one autocommit `INSERT`,
        which is the whole transaction; otherwise the writer wraps it in `BEGIN IMMEDIATE`.
        """
        cached = self._head is not None
        try:
            if self._head is None:
                # Read the head inside the write transaction, so nothing can append between.
                conn.execute("BEGIN IMMEDIATE")
                head = read_head(conn)
                self._head = (0, GENESIS) if head is None else (head[0], bytes.fromhex(head[1]))
            seq, prev = self._head
            flat: list[object] = []
            for job in batch:
                if job.build is not None:
                    job.items = [job.build(seq, prev)]
                job.first_seq = seq + 1
                job.hashes, prev = link_rows(job.items, seq, prev, flat)
                seq += len(job.items)
            written = seq - self._head[0]
            if written > MAX_STATEMENT_ROWS and not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            insert_records(conn, flat)
            if conn.in_transaction:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._head = None
            self._rollback(conn)
            if cached:
                # Another connection may have appended since our last commit (the sequence
                # number then collides): link the batch again onto the head read afresh.
                self._write(conn, batch, committed)
            elif len(batch) > 1:
                # One submission must not sink the others that happened to share its commit.
                for job in batch:
                    self._write(conn, [job], committed)
            else:
                self._fail(batch, exc)
            return
        except BaseException as exc:
            self._head = None
            self._rollback(conn)
            self._fail(batch, exc)
            raise
        self._head = (seq, prev)
        with self._lock:
            self._commits += written > 0
            self._events += written
        committed += batch

    def _checkpoint(self, conn: sqlite3.Connection, *, force: bool, alone: bool) -> None:
        """Sign and commit a checkpoint of the committed head if one is due (or `force`d).

        It is its own transaction, after the records it covers (so it never covers records
        that are not there). If SQLite refuses it, the records stay committed and
        acknowledged, and the next commit tries again. `alone` counts it as a commit of its own.
        When the key became unreadable, or readable again, the note saying so is committed
        first; a key readable again signs at once.
        """
        schedule = self._schedule
        if self._key is None or schedule is None:
            return
        key, note = self._signing.check(self._key)
        if note is not None:
            self._write(conn, [Job([seal(note)], None, None)], [])
        if key is None:
            return
        try:
            if self._head is None:
                head = read_head(conn)
                self._head = (0, GENESIS) if head is None else (head[0], bytes.fromhex(head[1]))
            seq, prev = self._head
            if not (schedule.due(seq) or ((force or note is not None) and seq > schedule.last_seq)):
                return
            checkpoint = sign_checkpoint(key, seq, prev.hex())
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
        except sqlite3.Error:
            self._head = None  # another writer may have moved the head: read it afresh
            return
        schedule.signed(seq)
        with self._lock:
            self._commits += int(alone)
            self._checkpoints += 1

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the connection is broken; the caller reports the original error

    def _fail(self, batch: list[Job], exc: BaseException) -> None:
        """Fail every job of `batch`: none of its events were recorded."""
        count = sum(len(job.items) for job in batch)
        msg = (
            f"ledger `{self._path}` could not commit a batch of `{count}` events ({exc}); "
            "they were not recorded, check the disk and retry"
        )
        error = LedgerWriteError(msg)
        for job in batch:
            job.fail(error)
