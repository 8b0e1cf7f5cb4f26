"""The coverage of supervised sessions as a sweep (and the review overview) computes it.

`SessionCoverage` reads each session's executions and its deployment's decided calls from the
ledger (`SessionEvents`, incrementally) and classifies them (`assess_coverage`), keeping one
`Normalizer` so commands parsed once are not parsed again on the next sweep.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from watchkeeper.ledger import LedgerSource
from watchkeeper.normalize import Normalizer
from watchkeeper.sweep._assess import SessionLike
from watchkeeper.sweep._config import CoverageConfig
from watchkeeper.sweep._coverage import CoverageReport, assess_coverage
from watchkeeper.sweep._ledger_window import SessionEvents

__all__ = ["SessionCoverage"]


class SessionCoverage:
    """Coverage reports of supervised sessions, from the ledger at `ledger` (a path is a
    SQLite ledger file), reading each record once across calls."""

    def __init__(self, ledger: LedgerSource | Path) -> None:
        self._events = SessionEvents(ledger)
        self._normalizer = Normalizer()

    def assess(
        self, session: SessionLike, config: CoverageConfig, *, now: datetime
    ) -> CoverageReport:
        """Return `session`'s coverage: its executions until it ended (or `now`)."""
        processes, calls = self._events.read(
            session_id=session.session_id,
            deployment=session.deployment,
            since=session.started,
            until=session.ended or now,
        )
        return assess_coverage(
            session_id=session.session_id,
            deployment=session.deployment,
            root_pid=session.root_pid,
            processes=processes,
            calls=calls,
            config=config,
            normalizer=self._normalizer,
        )

    def retain(self, session_ids: Iterable[str]) -> None:
        """Forget what was read for every session not in `session_ids`."""
        self._events.retain(session_ids)
