"""A ledger to read, wherever it lives: head, events, verify and export on either backend.

`ledger_source` picks the backend from the location exactly as `open_ledger` does, so the
`ledger` commands (and anything else that only reads) never branch on it.

Besides whole-ledger reads, a source answers the small questions a periodic reader asks
without re-reading everything: the events in a range of sequence numbers matching a session,
deployment or kinds (`events_between`), where records stamped at a time begin (`seq_at`), and
whether what was appended since a verified record still chains onto it (`verify_after`). Both
backends run the same statements (`?` placeholders become `%s` for PostgreSQL) inside one
consistent snapshot per call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

import orjson

from watchkeeper.events import Event, parse_event
from watchkeeper.ledger._checkpoint import Checkpoint
from watchkeeper.ledger._export import Redactor, export_jsonl
from watchkeeper.ledger._open import ledger_location
from watchkeeper.ledger._reader import Head, ledger_head, read_events
from watchkeeper.ledger._schema import StoredRecord, connect_reader
from watchkeeper.ledger._trust import TrustRoots
from watchkeeper.ledger._verify import VerifyReport, _record_problem, verify_ledger

__all__ = ["LedgerSource", "SqliteSource", "ledger_source"]

_LAST_CHECKPOINT = (
    "SELECT seq, hash, ts, key_id, signature FROM checkpoints ORDER BY seq DESC LIMIT 1"
)
_PAGE = 2000

Query = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]
"""Run one statement (`?` placeholders) inside a read snapshot and return its rows."""


class LedgerSource(Protocol):
    """Read-only access to one ledger; every call takes its own connection."""

    @property
    def name(self) -> str:
        """The ledger's location as shown to people (a path, or a url without password)."""
        ...

    @property
    def keys(self) -> Path:
        """The directory where the ledger's public key is looked for by default."""
        ...

    def head(self) -> Head: ...

    def last_checkpoint(self) -> Checkpoint | None:
        """The newest signed checkpoint, or None when none was signed yet (not verified)."""
        ...

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]: ...

    def events_between(
        self,
        after_seq: int,
        upto_seq: int,
        *,
        session_id: str | None = None,
        deployment_id: str | None = None,
        kinds: Sequence[str] = (),
    ) -> list[tuple[int, Event]]:
        """Return `(seq, event)` for records in (`after_seq`, `upto_seq`] matching every filter
        given, in sequence order; records whose payload is withheld are skipped."""
        ...

    def seq_at(self, when: datetime) -> int:
        """Return the first seq stamped at or after `when`, by bisection (head + 1 if none).

        Appenders stamp their own time, so stamps only nearly grow with seq: callers that
        need every record from `when` on start a little earlier.
        """
        ...

    def verify_after(self, mark: Head) -> VerifyReport:
        """Verify only what was appended after `mark`, a record verified earlier.

        Checks that record `mark.seq` still has `mark.hash`, that no record is missing, and
        that each new record is intact and chains onto the one before. `head_seq`/`head_hash`
        name the last record found good (the mark when nothing new was). A record rewritten
        in place below the mark, with every hash after it recomputed, is left to `verify`.
        """
        ...

    def verify(
        self, public_key: TrustRoots, *, require_signatures: bool = True
    ) -> VerifyReport: ...

    def export_jsonl(self, out: TextIO, *, redact: Redactor | None = None) -> int: ...


class _Snapshots:
    """The questions of a periodic reader, asked of the snapshot a backend lends."""

    __slots__ = ()

    def _snapshot(self) -> AbstractContextManager[Query]:
        raise NotImplementedError

    def events_between(
        self,
        after_seq: int,
        upto_seq: int,
        *,
        session_id: str | None = None,
        deployment_id: str | None = None,
        kinds: Sequence[str] = (),
    ) -> list[tuple[int, Event]]:
        """Return the matching events in (`after_seq`, `upto_seq`], in sequence order."""
        with self._snapshot() as query:
            return _events_between(
                query,
                after_seq=after_seq,
                upto_seq=upto_seq,
                session_id=session_id,
                deployment_id=deployment_id,
                kinds=tuple(kinds),
            )

    def seq_at(self, when: datetime) -> int:
        """Return the first seq stamped at or after `when` (head + 1 if none)."""
        with self._snapshot() as query:
            return _seq_at(query, when)

    def verify_after(self, mark: Head) -> VerifyReport:
        """Verify what was appended after `mark`, in one snapshot."""
        with self._snapshot() as query:
            return _verify_after(query, mark)


@dataclass(frozen=True, slots=True)
class SqliteSource(_Snapshots):
    """A ledger in a SQLite file; its key directory is `keys/` beside the file."""

    path: Path

    @property
    def name(self) -> str:
        """The file path."""
        return str(self.path)

    @property
    def keys(self) -> Path:
        """`keys/` beside the file."""
        return self.path.parent / "keys"

    def head(self) -> Head:
        """Return the committed head."""
        return ledger_head(self.path)

    def last_checkpoint(self) -> Checkpoint | None:
        """Return the newest checkpoint, or None."""
        conn = connect_reader(self.path)
        try:
            row = conn.execute(_LAST_CHECKPOINT).fetchone()
        finally:
            conn.close()
        return None if row is None else Checkpoint(*row)

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]:
        """Yield `(seq, event)` in sequence order."""
        return read_events(self.path, after_seq=after_seq, session_id=session_id, limit=limit)

    @contextmanager
    def _snapshot(self) -> Iterator[Query]:
        conn = connect_reader(self.path)
        try:
            conn.execute("BEGIN")
            yield lambda sql, params: conn.execute(sql, tuple(params)).fetchall()
        finally:
            conn.close()

    def verify(self, public_key: TrustRoots, *, require_signatures: bool = True) -> VerifyReport:
        """Verify the file in one snapshot."""
        return verify_ledger(self.path, public_key, require_signatures=require_signatures)

    def export_jsonl(self, out: TextIO, *, redact: Redactor | None = None) -> int:
        """Write the file's ledger as JSON Lines."""
        return export_jsonl(self.path, out, redact=redact)


def ledger_source(home: Path, url: str | None = None) -> LedgerSource:
    """Return the ledger at `ledger_location(home, url)` for reading."""
    location = ledger_location(home, url)
    if isinstance(location, str):
        # Imported here: the driver costs ~0.1 s at start-up, which SQLite readers never need.
        from watchkeeper.ledger._postgres_source import PostgresSource

        return PostgresSource(location, home / "keys")
    return SqliteSource(location)


def _events_between(
    query: Query,
    *,
    after_seq: int,
    upto_seq: int,
    session_id: str | None,
    deployment_id: str | None,
    kinds: tuple[str, ...],
) -> list[tuple[int, Event]]:
    where = ["seq > ?", "seq <= ?", "payload IS NOT NULL"]
    params: list[object] = [after_seq, upto_seq]
    if session_id is not None:
        where.append("session_id = ?")
        params.append(session_id)
    if deployment_id is not None:
        where.append("deployment_id = ?")
        params.append(deployment_id)
    if kinds:
        where.append(f"kind IN ({', '.join('?' * len(kinds))})")
        params.extend(kinds)
    sql = f"SELECT seq, payload FROM records WHERE {' AND '.join(where)} ORDER BY seq"  # noqa: S608 - constant clauses, values bound
    return [(int(seq), parse_event(orjson.loads(payload))) for seq, payload in query(sql, params)]


def _seq_at(query: Query, when: datetime) -> int:
    first, last = query("SELECT coalesce(min(seq), 1), coalesce(max(seq), 0) FROM records", ())[0]
    low, high = int(first), int(last) + 1
    while low < high:
        middle = (low + high) // 2
        rows = query("SELECT ts FROM records WHERE seq >= ? ORDER BY seq LIMIT 1", (middle,))
        if not rows or datetime.fromisoformat(str(rows[0][0])) >= when:
            high = middle
        else:
            low = middle + 1
    return low


_RECORDS_AFTER = (
    "SELECT seq, id, kind, ts, session_id, deployment_id, prev, commitment, hash, payload, salt "
    "FROM records WHERE seq > ? ORDER BY seq LIMIT ?"
)
_FIRST_MISSING = (
    "SELECT n FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM records) AS numbered "
    "WHERE seq <> n ORDER BY n LIMIT 1"
)


def _verify_after(query: Query, mark: Head) -> VerifyReport:
    count, head = (
        int(v) for v in query("SELECT count(*), coalesce(max(seq), 0) FROM records", ())[0]
    )
    checked = 0

    def failed(seq: int, reason: str, good: Head) -> VerifyReport:
        return VerifyReport(
            ok=False,
            records_checked=checked,
            checkpoints_checked=0,
            first_bad_seq=seq,
            reason=reason,
            head_seq=good.seq,
            head_hash=good.hash,
            signatures_checked=False,
        )

    if head < mark.seq:
        return failed(
            head + 1,
            f"the ledger ends at record `{head}` but record `{mark.seq}` was verified "
            "earlier; the ledger was truncated",
            mark,
        )
    if mark.seq > 0:
        rows = query("SELECT hash FROM records WHERE seq = ?", (mark.seq,))
        if not rows or rows[0][0] != mark.hash:
            return failed(
                mark.seq,
                f"record `{mark.seq}` changed since it was verified; the ledger was altered",
                mark,
            )
    if count != head:
        missing = int(query(_FIRST_MISSING, ())[0][0])
        return failed(
            missing, f"record `{missing}` is missing; records were deleted from the ledger", mark
        )
    seq, prev = mark.seq, bytes.fromhex(mark.hash)
    while True:
        rows = query(_RECORDS_AFTER, (seq, _PAGE))
        for row in rows:
            record = StoredRecord(*row)
            expected = seq + 1
            good = Head(seq, prev.hex())
            if record.seq != expected:
                reason = f"record `{expected}` is missing; records were deleted from the ledger"
                return failed(expected, reason, good)
            problem = _record_problem(record, expected, prev)
            if problem is not None:
                return failed(expected, problem, good)
            seq, prev = expected, bytes.fromhex(record.hash)
            checked += 1
        if len(rows) < _PAGE:
            break
    return VerifyReport(
        ok=True,
        records_checked=checked,
        checkpoints_checked=0,
        head_seq=seq,
        head_hash=prev.hex(),
        signatures_checked=False,
    )
