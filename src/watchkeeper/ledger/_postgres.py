"""`PostgresLedger`: the shared store, for several gateways writing one hash chain.

The same small protocol as `SqliteLedger`: one writer thread behind a queue
(`PostgresWriter`), readers on their own connections (a small pool), a context manager with
`close()`. Appends from every process are serialised by a row lock on the chain head, so the
ledger stays one chain that `ledger verify` checks exactly as it checks a SQLite file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from types import TracebackType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg_pool import ConnectionPool

from watchkeeper.events import Event
from watchkeeper.ledger._chain import SaltSource, Sealed, seal, seal_all
from watchkeeper.ledger._errors import LedgerEncodeError
from watchkeeper.ledger._keys import SigningKeyFile
from watchkeeper.ledger._postgres_reader import on_live_connection, postgres_events, read_head
from watchkeeper.ledger._postgres_schema import display_url
from watchkeeper.ledger._postgres_writer import PostgresWriter
from watchkeeper.ledger._reader import Head
from watchkeeper.ledger._signing import SigningProblem
from watchkeeper.ledger._store import LedgerStore, Receipt
from watchkeeper.ledger._writer import WriterStats

__all__ = ["PostgresLedger"]

_READERS = 4  # `_postgres_reader._STALE_RETRIES` must stay above it
_READ_WAIT_SECONDS = 10.0  # a read gives up (PoolTimeout) rather than hang on a dead server


class PostgresLedger(LedgerStore):
    """Append-only, hash-chained ledger in a PostgreSQL schema (see `watchkeeper db upgrade`).

    Opening checks the server and the schema version and raises `LedgerOpenError` (or its
    `LedgerSchemaError`) at once. A lost connection is retried for `retry_seconds`; past that,
    submissions fail with `LedgerWriteError` instead of waiting.
    """

    def __init__(
        self,
        url: str,
        *,
        signing_key: Ed25519PrivateKey | SigningKeyFile | None = None,
        checkpoint_every: int = 1000,
        checkpoint_interval: float = 60.0,
        max_batch: int = 4096,
        retry_seconds: float = 10.0,
    ) -> None:
        self.url = url
        self._salts = SaltSource()
        self._writer = PostgresWriter(
            url,
            signing_key=signing_key,
            checkpoint_every=checkpoint_every,
            checkpoint_interval=checkpoint_interval,
            max_batch=max_batch,
            retry_seconds=retry_seconds,
        )
        self._pool = ConnectionPool(
            url,
            min_size=0,
            max_size=_READERS,
            kwargs={"autocommit": True},
            timeout=_READ_WAIT_SECONDS,
            name="ledger-readers",
            open=True,
        )

    def __repr__(self) -> str:
        return f"PostgresLedger({display_url(self.url)!r})"

    def submit(self, events: Sequence[Event]) -> Future[list[Receipt]]:
        """Queue `events` for the writer; the future resolves once they are committed.

        The events of one call are committed together, in order, or not at all; failures
        (`LedgerEncodeError`, `LedgerWriteError`) come through the future.
        """
        try:
            sealed = seal_all(events, self._salts.take(len(events)))
        except LedgerEncodeError as exc:
            failed: Future[list[Receipt]] = Future()
            failed.set_exception(exc)
            return failed
        return self._writer.put(sealed)

    def append(self, events: Sequence[Event]) -> list[Receipt]:
        """Record `events` durably and return their receipts (`submit(...).result()`)."""
        return self._writer.write(seal_all(events, self._salts.take(len(events))))

    def append_rotation(self, make: Callable[[int, str], Event]) -> Receipt:
        """Record the key-rotation event `make(head_seq, head_hash)` returns, right after that head.

        The writer calls `make` as it links the event, so the event can sign the exact record it
        follows. The only way to record a key rotation (`seal` refuses one anywhere else); see
        `rotate_key`.
        """

        def build(seq: int, prev: bytes) -> Sealed:
            return seal(make(seq, prev.hex()), rotation=True)

        return self._writer.write((), build)[0]

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]:
        """Yield `(seq, event)` in sequence order, skipping records whose payload is withheld."""
        return postgres_events(
            self._pool.connection, after_seq=after_seq, session_id=session_id, limit=limit
        )

    def head(self) -> Head:
        """Return the committed head of the chain (`Head(0, <64 zeros>)` when empty)."""
        return on_live_connection(self._pool.connection, read_head)

    def stats(self) -> WriterStats:
        """Return how many commits, events and checkpoints this store's writer made."""
        return self._writer.stats()

    def signing_problem(self) -> SigningProblem | None:
        """Why this store signs no checkpoints now (its key is missing or unreadable), or None."""
        return self._writer.signing_problem()

    def reconnects(self) -> int:
        """Return how many times the writer reconnected after losing its connection."""
        return self._writer.reconnects()

    def close(self) -> None:
        """Commit everything submitted so far, sign a last checkpoint, stop writer and readers."""
        try:
            self._writer.close()
        finally:
            self._pool.close()

    def __enter__(self) -> PostgresLedger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
