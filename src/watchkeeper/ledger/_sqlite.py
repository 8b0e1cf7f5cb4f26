"""`SqliteLedger`: the default store, one writer thread behind a queue, readers on their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import Event
from watchkeeper.ledger._chain import SaltSource, Sealed, seal, seal_all
from watchkeeper.ledger._errors import LedgerEncodeError
from watchkeeper.ledger._keys import SigningKeyFile
from watchkeeper.ledger._reader import Head, ledger_head, read_events
from watchkeeper.ledger._signing import SigningProblem
from watchkeeper.ledger._store import LedgerStore, Receipt
from watchkeeper.ledger._writer import GroupCommitWriter, WriterStats

__all__ = ["LEDGER_FILE_NAME", "SqliteLedger"]

LEDGER_FILE_NAME = "ledger.db"


class SqliteLedger(LedgerStore):
    """Append-only, hash-chained ledger in one SQLite file (WAL, `synchronous=FULL`).

    One writer thread owns the only write connection and commits queued events in groups;
    every read opens its own short-lived connection. Use it as a context manager, or call
    `close()`, which commits everything already submitted and signs a last checkpoint.
    """

    def __init__(
        self,
        path: Path,
        *,
        signing_key: Ed25519PrivateKey | SigningKeyFile | None = None,
        checkpoint_every: int = 1000,
        checkpoint_interval: float = 60.0,
        max_batch: int = 4096,
    ) -> None:
        self.path = path
        self._salts = SaltSource()
        self._writer = GroupCommitWriter(
            path,
            signing_key=signing_key,
            checkpoint_every=checkpoint_every,
            checkpoint_interval=checkpoint_interval,
            max_batch=max_batch,
        )

    def submit(self, events: Sequence[Event]) -> Future[list[Receipt]]:
        """Queue `events` for the writer; the future resolves once they are committed.

        The events of one call are committed together, in order, or not at all. Encoding
        failures (`LedgerEncodeError`) are reported through the future, like write failures;
        a closed store raises `LedgerClosedError` at once.
        """
        try:
            sealed = seal_all(events, self._salts.take(len(events)))
        except LedgerEncodeError as exc:
            failed: Future[list[Receipt]] = Future()
            failed.set_exception(exc)
            return failed
        return self._writer.put(sealed)

    def append(self, events: Sequence[Event]) -> list[Receipt]:
        """Record `events` durably and return their receipts (`submit(...).result()`).

        Raises what the future would: `LedgerEncodeError`, `LedgerWriteError` or
        `LedgerClosedError`. It waits on a plain lock instead of a future, which makes it the
        cheaper of the two for a thread that blocks anyway.
        """
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
        return read_events(self.path, after_seq=after_seq, session_id=session_id, limit=limit)

    def head(self) -> Head:
        """Return the committed head of the chain (`Head(0, <64 zeros>)` when empty)."""
        return ledger_head(self.path)

    def stats(self) -> WriterStats:
        """Return how many commits, events and checkpoints this store's writer made."""
        return self._writer.stats()

    def signing_problem(self) -> SigningProblem | None:
        """Why this store signs no checkpoints now (its key is missing or unreadable), or None."""
        return self._writer.signing_problem()

    def close(self) -> None:
        """Commit everything submitted so far, sign a last checkpoint, stop the writer."""
        self._writer.close()

    def __enter__(self) -> SqliteLedger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
