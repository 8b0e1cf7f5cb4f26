"""The small protocol every ledger backend implements (SQLite now, PostgreSQL later)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol

from watchkeeper.events import Event

__all__ = ["LedgerStore", "Receipt"]


@dataclass(frozen=True, slots=True)
class Receipt:
    """Proof that an event is durable: its sequence number and chain hash."""

    seq: int
    hash: str
    event_id: str


class LedgerStore(Protocol):
    """Append-only, hash-chained event storage.

    `submit` hands events to the single writer and returns a future that resolves only after
    the batch holding them has committed (ack = durable). `append` is `submit(...).result()`.
    """

    def submit(self, events: Sequence[Event]) -> Future[list[Receipt]]: ...

    def append(self, events: Sequence[Event]) -> list[Receipt]: ...

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]: ...

    def close(self) -> None: ...
