"""Cheap, incremental ledger checks for a periodic sweep.

A full `watchkeeper ledger verify` re-hashes every record; a sweep every 30 s cannot. It
remembers the last record it verified (its `Head`: seq and hash) and each time checks only
what is new, through `LedgerSource.verify_after`: that the records after it are intact and
chain onto it, that it is still there unchanged, and that no record below it is missing. A
record rewritten in place below the remembered one (with every hash recomputed after it) is
left to the full verify.
"""

from __future__ import annotations

import json

from watchkeeper.events import Severity
from watchkeeper.ledger import GENESIS, Head, LedgerNotFoundError, LedgerSource
from watchkeeper.sweep._findings import LEDGER_GAP, Finding

__all__ = ["LEDGER_DEPLOYMENT", "LEDGER_SESSION", "check_ledger"]

#: Deployment and session ids ledger-gap alerts are filed under.
LEDGER_DEPLOYMENT = "watchkeeper"
LEDGER_SESSION = "ledger"


def check_ledger(source: LedgerSource, mark: Head | None) -> tuple[Head | None, Finding | None]:
    """Verify what was appended to the ledger at `source` since `mark`.

    Returns the new mark — the last record found good, unchanged when the problem lies at or
    below `mark`, so the next sweep looks again — and a `ledger-gap` finding naming the first
    problem, or None. A ledger file that does not exist yet has nothing to check.
    """
    try:
        report = source.verify_after(mark or Head(0, GENESIS.hex()))
    except LedgerNotFoundError:
        return mark, None
    new_mark = Head(report.head_seq, report.head_hash) if report.head_seq > 0 else mark
    if report.ok or report.first_bad_seq is None:
        return new_mark, None
    return new_mark, _finding(source.name, report.first_bad_seq, report.reason)


def _finding(ledger: str, seq: int, reason: str) -> Finding:
    detail = {"ledger": ledger, "first_bad_seq": seq, "reason": reason}
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
