"""`<home>/alerts.db`: the queryable alert table, deduplicated per session and category."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from watchkeeper.alerts._model import ACTIVE_STATUSES, Alert, AlertStatus, dedupe_key
from watchkeeper.clock import utcnow
from watchkeeper.events import Severity

__all__ = ["AlertNotFoundError", "AlertStore", "AlertStoreError", "Raised"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT NOT NULL,
    deployment TEXT NOT NULL,
    session TEXT NOT NULL,
    monitor TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    score REAL NOT NULL,
    status TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    count INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    explanation TEXT NOT NULL,
    note TEXT,
    assignee TEXT
);
CREATE INDEX IF NOT EXISTS alerts_dedupe ON alerts (dedupe_key, status);
CREATE INDEX IF NOT EXISTS alerts_session ON alerts (session);
"""
_COLUMNS = (
    "id, dedupe_key, deployment, session, monitor, category, severity, score, status, "
    "first_seen, last_seen, count, evidence, explanation, note, assignee"
)
_MAX_EVIDENCE = 64


class AlertStoreError(Exception):
    """The alert database cannot be opened or written; check `<home>/alerts.db`."""


class AlertNotFoundError(AlertStoreError):
    """No alert has the given id; list alerts to find it."""


@dataclass(frozen=True, slots=True)
class Raised:
    """The outcome of `AlertStore.raise_alert`: the alert as stored and what changed.

    `new` is True for a fresh alert; `escalated` when a repeat raised its severity or score.
    """

    alert: Alert
    new: bool
    escalated: bool


class AlertStore:
    """Alerts in one SQLite file, written through one connection guarded by a lock.

    A finding for a (deployment, session, category) that already has an open or
    acknowledged alert is folded into it (count, last seen, evidence, and the higher score
    and severity); after that alert is confirmed or dismissed, a new one is opened.
    """

    def __init__(self, path: Path) -> None:
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # The ledger is the durable record of every alert; this table is the work queue.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise AlertStoreError(f"cannot open alert store `{path}`: {exc}") from exc
        self._lock = threading.Lock()

    def raise_alert(
        self,
        *,
        deployment_id: str,
        session_id: str,
        monitor: str,
        category: str,
        severity: Severity,
        score: float,
        evidence: Sequence[str],
        explanation: str,
    ) -> Raised:
        """Record a finding as an alert, folding it into the active one for its key."""
        key = dedupe_key(deployment_id, session_id, category)
        now = utcnow().isoformat()
        with self._lock, self._transaction():
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM alerts WHERE dedupe_key = ? AND status IN (?, ?) "  # noqa: S608 - constant column list
                "ORDER BY id DESC LIMIT 1",
                (key, *ACTIVE_STATUSES),
            ).fetchone()
            if row is None:
                cursor = self._db.execute(
                    "INSERT INTO alerts (dedupe_key, deployment, session, monitor, category, "
                    "severity, severity_rank, score, status, first_seen, last_seen, count, "
                    "evidence, explanation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                    (
                        key,
                        deployment_id,
                        session_id,
                        monitor,
                        category,
                        severity.value,
                        severity.rank,
                        score,
                        AlertStatus.OPEN.value,
                        now,
                        now,
                        json.dumps(list(evidence)[:_MAX_EVIDENCE]),
                        explanation,
                    ),
                )
                return Raised(self._get(int(cursor.lastrowid or 0)), new=True, escalated=False)
            old = _alert(row)
            escalated = severity.rank > old.severity.rank or score > old.score
            merged = list(dict.fromkeys([*old.evidence, *evidence]))[:_MAX_EVIDENCE]
            stronger = score > old.score
            self._db.execute(
                "UPDATE alerts SET last_seen = ?, count = count + 1, evidence = ?, "
                "score = MAX(score, ?), severity = ?, severity_rank = ?, monitor = ?, "
                "explanation = ? WHERE id = ?",
                (
                    now,
                    json.dumps(merged),
                    score,
                    severity.value if severity.rank > old.severity.rank else old.severity.value,
                    max(severity.rank, old.severity.rank),
                    monitor if stronger else old.monitor,
                    explanation if stronger else old.explanation,
                    old.id,
                ),
            )
            return Raised(self._get(old.id), new=False, escalated=escalated)

    def get(self, alert_id: int) -> Alert:
        """Return alert `alert_id`; raise `AlertNotFoundError` if there is none."""
        with self._lock:
            return self._get(alert_id)

    def list(
        self,
        *,
        status: AlertStatus | None = None,
        min_severity: Severity | None = None,
        session_id: str | None = None,
        limit: int = 1000,
    ) -> list[Alert]:
        """Return alerts matching every given filter, newest first."""
        clauses: list[str] = []
        params: list[Any] = []
        if status is not None:
            clauses.append("status = ?")
            params.append(status.value)
        if min_severity is not None:
            clauses.append("severity_rank >= ?")
            params.append(min_severity.rank)
        if session_id is not None:
            clauses.append("session = ?")
            params.append(session_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM alerts {where} ORDER BY id DESC LIMIT ?",  # noqa: S608 - clauses are constants
                (*params, limit),
            ).fetchall()
        return [_alert(row) for row in rows]

    def set_status(
        self,
        alert_id: int,
        status: AlertStatus,
        *,
        note: str | None = None,
        assignee: str | None = None,
    ) -> Alert:
        """Set the review status of alert `alert_id` (and its note or assignee when given)."""
        with self._lock, self._transaction():
            self._get(alert_id)
            self._db.execute(
                "UPDATE alerts SET status = ?, note = COALESCE(?, note), "
                "assignee = COALESCE(?, assignee) WHERE id = ?",
                (status.value, note, assignee, alert_id),
            )
            return self._get(alert_id)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _get(self, alert_id: int) -> Alert:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE id = ?",  # noqa: S608 - constant column list
            (alert_id,),
        ).fetchone()
        if row is None:
            raise AlertNotFoundError(
                f"alert `{alert_id}` does not exist; run `watchkeeper alerts list` to find it"
            )
        return _alert(row)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _alert(row: tuple[Any, ...]) -> Alert:
    return Alert(
        id=row[0],
        dedupe_key=row[1],
        deployment_id=row[2],
        session_id=row[3],
        monitor=row[4],
        category=row[5],
        severity=Severity(row[6]),
        score=row[7],
        status=AlertStatus(row[8]),
        first_seen=datetime.fromisoformat(row[9]),
        last_seen=datetime.fromisoformat(row[10]),
        count=row[11],
        evidence=tuple(json.loads(row[12])),
        explanation=row[13],
        note=row[14],
        assignee=row[15],
    )
