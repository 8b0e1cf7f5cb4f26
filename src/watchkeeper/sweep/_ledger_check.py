"""Cheap, incremental ledger checks for a periodic sweep.

A full `watchkeeper ledger verify` re-hashes every record; a sweep every 30 s cannot. It
remembers the last record it verified (seq and hash) and each time checks only what is new:
that the records after it are contiguous and chain onto it, and that it is still there,
unchanged. One `count(*)` over the sequence numbers also catches a record deleted anywhere
below. A record rewritten in place below the remembered one (with every hash recomputed
after it) is left to the full verify.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.events import Severity
from watchkeeper.ledger import GENESIS, LedgerNotFoundError
from watchkeeper.sweep._findings import LEDGER_GAP, Finding

__all__ = ["LEDGER_DEPLOYMENT", "LEDGER_SESSION", "LedgerMark", "check_ledger"]

#: Deployment and session ids ledger-gap alerts are filed under.
LEDGER_DEPLOYMENT = "watchkeeper"
LEDGER_SESSION = "ledger"


@dataclass(frozen=True, slots=True)
class LedgerMark:
    """The last record a sweep verified: its sequence number and chain hash."""

    seq: int
    hash: str


def check_ledger(path: Path, mark: LedgerMark | None) -> tuple[LedgerMark | None, Finding | None]:
    """Verify what was appended to the ledger at `path` since `mark`.

    Returns the new mark (unchanged when a problem was found, so the next sweep looks again)
    and a `ledger-gap` finding naming the first problem, or None.
    """
    # The record checks are the ledger's own; this module only decides where to start.
    from watchkeeper.ledger._schema import connect_reader, read_records
    from watchkeeper.ledger._verify import _record_problem

    try:
        conn = connect_reader(path)
    except LedgerNotFoundError:
        return mark, None
    try:
        conn.execute("BEGIN")
        count, head = conn.execute("SELECT count(*), coalesce(max(seq), 0) FROM records").fetchone()
        start = mark or LedgerMark(0, GENESIS.hex())
        problem = _below_problem(conn, start, int(count), int(head))
        if problem is not None:
            return mark, _finding(path, *problem)
        expected, prev = start.seq, bytes.fromhex(start.hash)
        for record in read_records(conn, after_seq=start.seq):
            expected += 1
            if record.seq != expected:
                return _mark(expected - 1, prev, mark), _finding(
                    path,
                    expected,
                    f"record `{expected}` is missing; records were deleted from the ledger",
                )
            reason = _record_problem(record, expected, prev)
            if reason is not None:
                return _mark(expected - 1, prev, mark), _finding(path, expected, reason)
            prev = bytes.fromhex(record.hash)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return _mark(expected, prev, mark), None


def _mark(seq: int, prev: bytes, old: LedgerMark | None) -> LedgerMark | None:
    return LedgerMark(seq, prev.hex()) if seq > 0 else old


def _below_problem(
    conn: sqlite3.Connection, start: LedgerMark, count: int, head: int
) -> tuple[int, str] | None:
    """Return (seq, reason) when records up to the mark changed, else None."""
    if head < start.seq:
        return (
            head + 1,
            f"the ledger ends at record `{head}` but record `{start.seq}` was verified "
            "earlier; the ledger was truncated",
        )
    if start.seq > 0:
        row = conn.execute("SELECT hash FROM records WHERE seq = ?", (start.seq,)).fetchone()
        if row is None or row[0] != start.hash:
            return (
                start.seq,
                f"record `{start.seq}` changed since it was verified; the ledger was altered",
            )
    if count != head:
        missing = _first_missing(conn)
        return missing, f"record `{missing}` is missing; records were deleted from the ledger"
    return None


def _first_missing(conn: sqlite3.Connection) -> int:
    expected = 1
    for (seq,) in conn.execute("SELECT seq FROM records ORDER BY seq"):
        if seq != expected:
            return expected
        expected += 1
    return expected


def _finding(path: Path, seq: int, reason: str) -> Finding:
    detail = {"ledger": str(path), "first_bad_seq": seq, "reason": reason}
    return Finding(
        category=LEDGER_GAP,
        deployment_id=LEDGER_DEPLOYMENT,
        session_id=LEDGER_SESSION,
        severity=Severity.CRITICAL,
        score=1.0,
        explanation=f"ledger problem at record {seq}: {reason}; run `watchkeeper ledger verify`",
        evidence=(json.dumps(detail, sort_keys=True, separators=(",", ":")),),
        detail=detail,
    )
