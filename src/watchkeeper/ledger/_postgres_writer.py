"""The PostgreSQL writer of one store: one thread, one connection, a queue, and group commit.

As in the SQLite writer, every submission is one job; the thread takes whatever jobs are
waiting (up to `max_batch` events) and commits them in one transaction before acknowledging
any. The transaction is where several gateways meet: it starts with
``SELECT … FROM ledger_head FOR UPDATE``, which waits for any other writer's transaction on the
same ledger and then returns the head it committed, so sequence numbers and `prev` hashes
never fork. The rows go in with one binary `COPY`, a due checkpoint is signed inside the same
transaction, and the head row is moved last. The signing key is looked at in every
transaction; a change (unreadable, or readable again) is noted in the ledger right after
that transaction commits, as in the SQLite writer (`_signing.py`).

When the connection is lost (server restart, `pg_terminate_backend`), the writer reconnects
with backoff for up to `retry_seconds`. If the lost transaction might have committed, it
looks for its first record before writing the batch again, so a retry never records twice.
If the server stays away, the batch's submitters get `LedgerWriteError` (and the gateway
denies); the next batch tries to reconnect again.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import Lifecycle
from watchkeeper.ledger._chain import link_rows, seal
from watchkeeper.ledger._checkpoint import CheckpointSchedule, sign_checkpoint
from watchkeeper.ledger._errors import LedgerError, LedgerWriteError
from watchkeeper.ledger._keys import SigningKeyFile
from watchkeeper.ledger._postgres_schema import connect, display_url, require_schema
from watchkeeper.ledger._schema import RECORD_FIELDS
from watchkeeper.ledger._writer import Job, QueuedWriter, idle_wait, signer

__all__ = ["PostgresWriter"]

_COPY_RECORDS = (
    "COPY records (id, kind, ts, session_id, deployment_id, payload, salt, commitment, "
    "seq, prev, hash) FROM STDIN (FORMAT BINARY)"
)
_COPY_TYPES = [
    "text",
    "text",
    "text",
    "text",
    "text",
    "bytea",
    "bytea",
    "text",
    "int8",
    "text",
    "text",
]
_LOCK_HEAD = "SELECT seq, hash, checkpoint_seq FROM ledger_head FOR UPDATE"
_MOVE_HEAD = "UPDATE ledger_head SET seq = %s, hash = %s, checkpoint_seq = %s"
_INSERT_CHECKPOINT = (
    "INSERT INTO checkpoints (seq, hash, ts, key_id, signature) VALUES (%s, %s, %s, %s, %s)"
)
_MAX_BACKOFF_SECONDS = 1.0
_log = logging.getLogger(__name__)


class PostgresWriter(QueuedWriter):
    """Own the PostgreSQL write connection on one thread; see the module docstring."""

    def __init__(
        self,
        url: str,
        *,
        signing_key: Ed25519PrivateKey | SigningKeyFile | None,
        checkpoint_every: int,
        checkpoint_interval: float,
        max_batch: int,
        retry_seconds: float,
    ) -> None:
        super().__init__(display_url(url))
        self._url = url
        self._key = signer(signing_key)
        self._max_batch = max_batch
        self._retry_seconds = retry_seconds
        self._schedule = CheckpointSchedule(
            every=checkpoint_every, interval=checkpoint_interval, last_seq=0
        )
        self._reconnects = 0
        self._conn: psycopg.Connection | None = None
        self._head_seq = 0
        # (seq, commitment) of the first record of a transaction whose outcome is unknown.
        self._attempt: tuple[int, str] | None = None
        # A signing note to commit after the current transaction (see `_signing.py`).
        self._note: Lifecycle | None = None
        self._start("ledger-writer:postgres")

    def reconnects(self) -> int:
        """Return how many times the writer had to open a new connection after losing one."""
        with self._lock:
            return self._reconnects

    # The writer thread.

    def _run(self, ready: Future[None]) -> None:
        try:
            conn = self._open()
            row = conn.execute("SELECT seq, checkpoint_seq FROM ledger_head").fetchone()
            if row is not None:
                self._head_seq = int(row[0])
                self._schedule.last_seq = int(row[1])
            ready.set_result(None)
            self._loop()
        except BaseException as exc:  # noqa: BLE001 - reported to the constructor or to every waiter
            if ready.done():
                self._fail_pending(exc)
            else:
                ready.set_exception(exc)
        finally:
            self._drop()

    def _open(self) -> psycopg.Connection:
        conn = connect(self._url, autocommit=True)
        try:
            require_schema(conn, self._url)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _loop(self) -> None:
        stopping = False
        # An idle checkpoint the server refused (a dropped table, revoked rights) is tried again
        # after a growing pause, not at once: a refused checkpoint must not spin the thread.
        backoff = 0.0
        while not stopping:
            wait = self._schedule.wait_time(self._head_seq) if self._key is not None else None
            if wait is not None and backoff:
                wait = max(wait, backoff)
            taken = self._next_batch(idle_wait(wait, self.signing_problem()), self._max_batch)
            if taken is None:
                if self._commit([], force=False):
                    backoff = 0.0
                else:
                    if not backoff:
                        _log.warning(
                            "ledger `%s`: the server refused a due checkpoint; retrying with "
                            "backoff, and submissions fail until it accepts one",
                            self._name,
                        )
                    backoff = min(max(backoff * 2, 0.05), _MAX_BACKOFF_SECONDS)
                continue
            batch, stopping = taken
            self._commit(batch, force=stopping)

    def _commit(self, batch: list[Job], *, force: bool) -> bool:
        """Commit `batch` (and a due checkpoint), riding out a lost connection; ack or fail.
        Return whether it committed."""
        self._attempt = None
        give_up = time.monotonic() + self._retry_seconds
        delay = 0.05
        while True:
            try:
                conn = self._conn
                if conn is None:
                    conn = self._open()
                    with self._lock:
                        self._reconnects += 1
                if self._attempt is not None and self._landed(conn, self._attempt, batch):
                    break
                self._transaction(conn, batch, force=force)
            except (psycopg.Error, LedgerError) as exc:
                conn = self._conn
                if conn is not None and not conn.broken and not conn.closed:
                    self._refused(batch, exc, force=force)
                    return False
                self._drop()
                if time.monotonic() >= give_up:
                    self._fail(batch, exc)
                    return False
                time.sleep(delay)
                delay = min(delay * 2, _MAX_BACKOFF_SECONDS)
                continue
            except BaseException as exc:
                self._fail(batch, exc)
                raise
            break
        self._attempt = None
        for job in batch:
            job.succeed()
        note, self._note = self._note, None
        if note is not None:
            # A key readable again signs at once, covering the note.
            self._commit([Job([seal(note)], None, None)], force=self.signing_problem() is None)
        return True

    def _landed(self, conn: psycopg.Connection, attempt: tuple[int, str], batch: list[Job]) -> bool:
        """Return whether the transaction that lost its connection committed after all."""
        seq, commitment = attempt
        row = conn.execute("SELECT commitment FROM records WHERE seq = %s", (seq,)).fetchone()
        if row is None or row[0] != commitment:
            return False
        last = seq + sum(len(job.items) for job in batch) - 1
        self._head_seq = max(self._head_seq, last)
        with self._lock:
            self._commits += 1
            self._events += last - seq + 1
        return True

    def _transaction(self, conn: psycopg.Connection, batch: list[Job], *, force: bool) -> None:
        """Lock the head, link and `COPY` the batch, sign a due checkpoint, move the head."""
        schedule = self._schedule
        signed = False
        with conn.transaction():
            row = conn.execute(_LOCK_HEAD).fetchone()
            if row is None:
                msg = f"ledger `{self._name}` has no head row; run `watchkeeper db upgrade`"
                raise LedgerWriteError(msg)
            seq, prev, checkpoint_seq = int(row[0]), bytes.fromhex(row[1]), int(row[2])
            if checkpoint_seq > schedule.last_seq:
                schedule.signed(checkpoint_seq)  # another writer signed since
            start = seq
            flat: list[object] = []
            for job in batch:
                if job.build is not None:
                    job.items = [job.build(seq, prev)]
                job.first_seq = seq + 1
                job.hashes, prev = link_rows(job.items, seq, prev, flat)
                seq += len(job.items)
            if flat:
                first = next(job for job in batch if job.items)
                self._attempt = (start + 1, first.items[0].commitment)
                with conn.cursor() as cursor, cursor.copy(_COPY_RECORDS) as copy:
                    copy.set_types(_COPY_TYPES)
                    for i in range(0, len(flat), RECORD_FIELDS):
                        copy.write_row(flat[i : i + RECORD_FIELDS])
            due = schedule.due(seq) or (force and seq > schedule.last_seq)
            key = None
            if self._key is not None:
                key, note = self._signing.check(self._key)
                self._note = note or self._note
            if key is not None and due:
                checkpoint = sign_checkpoint(key, seq, prev.hex())
                conn.execute(
                    _INSERT_CHECKPOINT,
                    (
                        checkpoint.seq,
                        checkpoint.hash,
                        checkpoint.ts,
                        checkpoint.key_id,
                        checkpoint.signature,
                    ),
                )
                checkpoint_seq = seq
                signed = True
            if flat or signed:
                conn.execute(_MOVE_HEAD, (seq, prev.hex(), checkpoint_seq))
        if signed:
            schedule.signed(seq)
        self._head_seq = seq
        with self._lock:
            self._commits += bool(flat) or signed
            self._events += seq - start
            self._checkpoints += signed

    def _refused(self, batch: list[Job], exc: BaseException, *, force: bool) -> None:
        """The server refused the transaction: commit each job alone, so one sinks only itself."""
        self._attempt = None
        if len(batch) > 1:
            for job in batch:
                self._commit([job], force=False)
            if force:
                self._commit([], force=True)
        else:
            self._fail(batch, exc)

    def _fail(self, batch: list[Job], exc: BaseException) -> None:
        """Fail every job of `batch`: none of its events were acknowledged."""
        count = sum(len(job.items) for job in batch)
        reason = " ".join(str(exc).split())
        msg = (
            f"ledger `{self._name}` could not commit a batch of `{count}` events ({reason}); "
            "they were not acknowledged, check the database and retry"
        )
        error = LedgerWriteError(msg)
        for job in batch:
            job.fail(error)
