"""Facts that are slow to compute, kept fresh off the request path by one background thread.

Verifying a big ledger, counting which rules fired in the last day and computing monitoring
coverage all read much of the ledger; pages show the last snapshot instead of waiting.
Rule counts are read incrementally (only verdicts appended since the last pass), the full
verification runs every `verify_interval` seconds.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

import orjson

from watchkeeper.clock import utcnow
from watchkeeper.events import VerdictEvent
from watchkeeper.ledger import (
    PUBLIC_KEY_NAME,
    Checkpoint,
    LedgerError,
    SqliteSource,
    VerifyReport,
    ledger_source,
    load_public_key,
)

__all__ = ["CoverageRow", "StatusCache", "StatusSnapshot"]

_log = logging.getLogger(__name__)

#: How far back "fired in the last day" looks.
FIRE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """Monitoring coverage of one recent supervised session (`figure` None: nothing ran)."""

    session_id: str
    deployment: str
    figure: float | None
    executions: int
    unmonitored: int
    hooked: bool


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """The last computed status; `verify` is None until the first verification finished."""

    computed_at: datetime | None = None
    verify: VerifyReport | None = None
    verified_at: datetime | None = None
    verify_error: str = ""
    last_checkpoint: Checkpoint | None = None
    rule_fires: dict[str, int] = field(default_factory=dict)
    verdicts_in_window: int = 0
    coverage: tuple[CoverageRow, ...] = ()
    heartbeats: dict[str, datetime] = field(default_factory=dict)
    errors: tuple[str, ...] = ()


class StatusCache:
    """Computes `StatusSnapshot`s of `home` every `interval` seconds on its own thread.

    `start()` launches the thread, `close()` stops it; `refresh()` computes one snapshot on
    the calling thread (the thread calls it too). `snapshot` is always safe to read.
    """

    def __init__(
        self, home: Path, *, interval: float = 10.0, verify_interval: float = 60.0
    ) -> None:
        self._home = home
        self._source = ledger_source(home)
        self._interval = interval
        self._verify_interval = verify_interval
        self._lock = threading.Lock()
        self._snapshot = StatusSnapshot()
        self._fires: deque[tuple[datetime, tuple[str, ...]]] = deque()
        self._fire_seq = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._coverage = _Coverage(home)

    @property
    def snapshot(self) -> StatusSnapshot:
        """The latest snapshot (empty before the first refresh)."""
        return self._snapshot

    def start(self) -> Self:
        """Start refreshing in the background."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="wk-review-status", daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop the background thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the thread must outlive one bad pass
                _log.exception("refreshing the review status failed")
            self._stop.wait(self._interval)

    def refresh(self, *, verify: bool | None = None) -> StatusSnapshot:
        """Compute a new snapshot now; verify the ledger when due (or when `verify` says so)."""
        with self._lock:
            now = utcnow()
            old = self._snapshot
            errors: list[str] = []
            due = old.verified_at is None or now - old.verified_at >= timedelta(
                seconds=self._verify_interval
            )
            report, verified_at, verify_error, checkpoint = (
                old.verify,
                old.verified_at,
                old.verify_error,
                old.last_checkpoint,
            )
            if verify if verify is not None else due:
                report, verify_error, checkpoint = self._verify()
                verified_at = now
            try:
                fires, total = self._count_fires(now)
            except (sqlite3.Error, LedgerError, ValueError) as exc:
                fires, total = dict(old.rule_fires), old.verdicts_in_window
                errors.append(f"counting rule fires failed: {exc}")
            coverage, heartbeats, problems = self._coverage.assess(now)
            errors.extend(problems)
            self._snapshot = StatusSnapshot(
                computed_at=now,
                verify=report,
                verified_at=verified_at,
                verify_error=verify_error,
                last_checkpoint=checkpoint,
                rule_fires=fires,
                verdicts_in_window=total,
                coverage=coverage,
                heartbeats=heartbeats,
                errors=tuple(errors),
            )
            return self._snapshot

    def _verify(self) -> tuple[VerifyReport | None, str, Checkpoint | None]:
        key_path = self._source.keys / PUBLIC_KEY_NAME
        try:
            key = load_public_key(key_path) if key_path.exists() else None
            report = self._source.verify(key, require_signatures=key is not None)
            checkpoint = self._source.last_checkpoint()
        except (LedgerError, sqlite3.Error, OSError) as exc:
            return None, str(exc), None
        return report, "", checkpoint

    def _count_fires(self, now: datetime) -> tuple[dict[str, int], int]:
        cutoff = now - FIRE_WINDOW
        for seq, ts, rule_ids in self._new_verdicts():
            self._fire_seq = seq
            if ts >= cutoff:
                self._fires.append((ts, rule_ids))
        while self._fires and self._fires[0][0] < cutoff:
            self._fires.popleft()
        counts: Counter[str] = Counter()
        for _ts, rule_ids in self._fires:
            counts.update(rule_ids)
        return dict(counts), len(self._fires)

    def _new_verdicts(self) -> Iterator[tuple[int, datetime, tuple[str, ...]]]:
        """Yield (seq, time, rule ids) of the verdicts recorded since the last pass."""
        source = self._source
        if not isinstance(source, SqliteSource):
            for seq, event in source.events(after_seq=self._fire_seq):
                if isinstance(event, VerdictEvent):
                    yield seq, event.ts, event.rule_ids
            return
        if not source.path.is_file():
            return
        # SQLite: select verdict payloads only, without validating every other record.
        from watchkeeper.ledger._schema import connect_reader

        conn = connect_reader(source.path)
        try:
            rows = conn.execute(
                "SELECT seq, payload FROM records WHERE seq > ? AND kind = 'verdict' "
                "AND payload IS NOT NULL ORDER BY seq",
                (self._fire_seq,),
            ).fetchall()
        finally:
            conn.close()
        for seq, payload in rows:
            data = orjson.loads(payload)
            ts = datetime.fromisoformat(str(data.get("ts", "")))
            yield int(seq), ts, tuple(data.get("rule_ids") or ())


class _Coverage:
    """Coverage of recent supervised sessions, computed as `watchkeeper sweep` does."""

    def __init__(self, home: Path) -> None:
        from watchkeeper.normalize import Normalizer
        from watchkeeper.sweep._ledger_window import SessionEvents

        self._home = home
        self._events = SessionEvents(home / "ledger.db")
        self._normalizer = Normalizer()

    def assess(
        self, now: datetime
    ) -> tuple[tuple[CoverageRow, ...], dict[str, datetime], list[str]]:
        from watchkeeper.supervise import load_sessions
        from watchkeeper.sweep import SweepConfigError, assess_coverage, load_sweep_config

        sessions = load_sessions(self._home)
        heartbeats: dict[str, datetime] = {}
        for session in sessions:
            seen = heartbeats.get(session.deployment)
            if seen is None or session.last_heartbeat > seen:
                heartbeats[session.deployment] = session.last_heartbeat
        try:
            config = load_sweep_config(self._home)
        except SweepConfigError as exc:
            return (), heartbeats, [f"coverage not computed: {exc}"]
        lookback = timedelta(seconds=config.coverage_lookback)
        rows: list[CoverageRow] = []
        for session in sessions:
            if session.ended is not None and now - session.ended > lookback:
                continue
            processes, calls = self._events.read(
                session_id=session.session_id,
                deployment=session.deployment,
                since=session.started,
                until=session.ended or now,
            )
            report = assess_coverage(
                session_id=session.session_id,
                deployment=session.deployment,
                root_pid=session.root_pid,
                processes=processes,
                calls=calls,
                config=config.coverage,
                normalizer=self._normalizer,
            )
            rows.append(
                CoverageRow(
                    session.session_id,
                    session.deployment,
                    report.coverage,
                    report.total,
                    len(report.unmonitored),
                    report.hooked,
                )
            )
        return tuple(rows), heartbeats, []
