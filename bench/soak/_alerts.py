"""Watching the ledger for alerts as they commit, to time event → alert.

A thread polls the run's `records` table for new rows (by sequence number, so in commit order)
and notes when each record became visible, and, for every event an alert cites as evidence,
when an alert citing it first became visible — separately for alerts the workers wrote (their
ids start with `alert-`, derived from the triggering event) and alerts a gateway raised
in-process (on a tool call it decided). Both times come from the same poll of the same clock,
so event → alert is "the event is committed" to "its alert is committed", within one poll.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from types import TracebackType
from typing import Self

import psycopg

__all__ = ["AlertWatch"]

_POLL = 0.05
_QUERY = (
    "SELECT seq, id, CASE WHEN kind = 'alert' THEN payload END FROM records "
    "WHERE seq > %s ORDER BY seq"
)


class AlertWatch:
    """Polls `url`'s ledger for alerts from its own thread until closed."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._after = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="soak-alert-watch", daemon=True)
        #: record id → wall-clock time it was first seen committed
        self.committed: dict[str, float] = {}
        #: event id → wall-clock time an alert citing it was first seen, by who raised it
        self.by_worker: dict[str, float] = {}
        self.by_gateway: dict[str, float] = {}
        #: alerts seen, by (`worker` or `gateway`, category)
        self.categories: Counter[tuple[str, str]] = Counter()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        conn: psycopg.Connection | None = None
        while not self._stop.is_set():
            try:
                if conn is None:
                    conn = psycopg.connect(self._url, autocommit=True, connect_timeout=5)
                self._poll(conn)
            except psycopg.Error:
                if conn is not None:
                    with contextlib.suppress(psycopg.Error):
                        conn.close()
                conn = None
            self._stop.wait(_POLL)
        if conn is not None:
            conn.close()

    def _poll(self, conn: psycopg.Connection) -> None:
        rows = conn.execute(_QUERY, (self._after,)).fetchall()
        seen = time.time()
        for seq, record_id, payload in rows:
            self._after = int(seq)
            self.committed[str(record_id)] = seen
            if payload is None:
                continue
            alert_id = record_id
            record = json.loads(payload)
            evidence = record.get("evidence", [])
            by_worker = str(alert_id).startswith("alert-")
            source = "worker" if by_worker else "gateway"
            self.categories[source, str(record.get("category", "?"))] += 1
            found = self.by_worker if by_worker else self.by_gateway
            for event_id in evidence:
                found.setdefault(str(event_id), seen)
