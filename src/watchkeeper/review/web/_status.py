"""Facts that are slow to compute, kept fresh off the request path by one background thread.

Verifying a big ledger, counting which rules fired in the last day and computing monitoring
coverage all read much of the ledger; pages show the last snapshot instead of waiting.
Rule counts are read incrementally (only verdicts appended since the last pass).

Verification is incremental too: every `verify_interval` seconds the cache checks only the
records appended since the last record it verified (they must chain onto it, and it must be
unchanged); the whole ledger, checkpoint signatures included, is verified at start, every
`full_verify_interval` seconds, after an incremental pass found a problem, and on demand
(`refresh(verify=True)`). A database that cannot be read (server restart,
`pg_terminate_backend`) logs one line, and the status says "unknown" with that line until
the next pass succeeds, on the next refresh.

The thread works only while someone looks: it refreshes from the first read of `snapshot`
(the overview page polls it every 3 s) until `idle_after` seconds pass without one, then
waits for the next read. A gateway whose pages nobody opens (one of several behind a
balancer, say) does not verify the shared ledger over and over; the first look after a pause
sees the last snapshot, with its times, and a fresh one seconds later.

Unsigned checkpoints: a ledger writer that cannot read its signing key notes it in the
ledger (`UNSIGNED_PHASE`). The snapshot reports the latest such note until a checkpoint
newer than it shows that signing works again; only the writers can sign checkpoints, so a
note recorded by anyone else can raise the warning but never clear it.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import sqlite3
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Self

import orjson
import psycopg

from watchkeeper.clock import utcnow
from watchkeeper.events import Lifecycle, VerdictEvent
from watchkeeper.ledger import (
    PUBLIC_KEY_NAME,
    SIGNING_SESSION,
    UNSIGNED_PHASE,
    Checkpoint,
    Head,
    LedgerError,
    LedgerSource,
    SigningProblem,
    SqliteSource,
    VerifyReport,
    ledger_source,
    load_public_key,
)

__all__ = ["CoverageRow", "StatusCache", "StatusSnapshot"]

_log = logging.getLogger(__name__)

#: How far back "fired in the last day" looks.
FIRE_WINDOW = timedelta(hours=24)

#: What reading the ledger may raise when its database is away or the file is unreadable.
_READ_ERRORS = (LedgerError, sqlite3.Error, psycopg.Error, OSError)


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
    """The last computed status; `verify` is None until the first verification finished.

    `verify` is None too while the last attempt failed (`verify_error` says why). After an
    incremental pass it covers the whole ledger: records checked by the last full
    verification (at `fully_verified_at`, which also checked the signatures) plus those
    checked since. `unsigned` is set while checkpoints are not being signed.
    """

    computed_at: datetime | None = None
    verify: VerifyReport | None = None
    verified_at: datetime | None = None
    fully_verified_at: datetime | None = None
    verify_error: str = ""
    last_checkpoint: Checkpoint | None = None
    rule_fires: dict[str, int] = field(default_factory=dict)
    verdicts_in_window: int = 0
    coverage: tuple[CoverageRow, ...] = ()
    heartbeats: dict[str, datetime] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    unsigned: SigningProblem | None = None


class StatusCache:
    """Computes `StatusSnapshot`s of `home` every `interval` seconds on its own thread, while
    `snapshot` was read in the last `idle_after` seconds.

    `start()` launches the thread, `close()` stops it; `refresh()` computes one snapshot on
    the calling thread (the thread calls it too). `snapshot` is always safe to read.
    """

    def __init__(
        self,
        home: Path,
        *,
        interval: float = 10.0,
        verify_interval: float = 60.0,
        full_verify_interval: float = 3600.0,
        idle_after: float = 600.0,
    ) -> None:
        self._home = home
        self._source = ledger_source(home)
        self._interval = interval
        self._verify_interval = timedelta(seconds=verify_interval)
        self._full_interval = timedelta(seconds=full_verify_interval)
        # The last report that covered the whole ledger and found it intact, and when the
        # next verification is due (None: at the next refresh).
        self._good: VerifyReport | None = None
        self._verify_due: datetime | None = None
        self._lock = threading.Lock()
        self._snapshot = StatusSnapshot()
        self._fires: deque[tuple[datetime, tuple[str, ...]]] = deque()
        self._fire_seq = 0
        self._stop = threading.Event()
        self._idle_after = idle_after
        self._read_at = -math.inf  # monotonic time of the last `snapshot` read
        self._wake = threading.Event()  # set by a read after a pause, and by `close`
        self._thread: threading.Thread | None = None
        self._coverage = _Coverage(home, self._source)
        # The latest unsigned-checkpoints note (its seq) and how far notes were read.
        self._unsigned: tuple[int, SigningProblem] | None = None
        self._note_seq = 0

    @property
    def snapshot(self) -> StatusSnapshot:
        """The latest snapshot (empty before the first refresh); reading it keeps the
        background thread refreshing."""
        now = time.monotonic()
        if now - self._read_at > self._idle_after:
            self._wake.set()
        self._read_at = now
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
        self._wake.set()
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
            if time.monotonic() - self._read_at > self._idle_after:
                self._wake.wait()  # nobody looked for a while: wait for the next look
                self._wake.clear()
                continue
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the thread must outlive one bad pass
                _log.exception("refreshing the review status failed")
            self._stop.wait(self._interval)

    def refresh(self, *, verify: bool | None = None) -> StatusSnapshot:
        """Compute a new snapshot now.

        `verify=None` verifies when due (incrementally, or fully when that is due);
        `verify=True` verifies the whole ledger now; `verify=False` does not verify.
        """
        with self._lock:
            now = utcnow()
            old = self._snapshot
            errors: list[str] = []
            due = self._verify_due is None or now >= self._verify_due
            state = _Verification(
                old.verify, old.verified_at, old.fully_verified_at, old.verify_error
            )
            checkpoint = old.last_checkpoint
            if verify or (verify is None and due):
                full = bool(verify) or self._full_due(now, old.fully_verified_at)
                state, checkpoint = self._verify(now, state, checkpoint, full=full)
            try:
                fires, total = self._count_fires(now)
            except (*_READ_ERRORS, ValueError) as exc:
                fires, total = dict(old.rule_fires), old.verdicts_in_window
                problem = f"counting rule fires failed: {_one_line(exc)}"
                _log.error("%s", problem)
                errors.append(problem)
            try:
                unsigned = self._unsigned_now()
            except (*_READ_ERRORS, ValueError) as exc:
                unsigned = old.unsigned
                problem = f"reading the signing notes failed: {_one_line(exc)}"
                _log.error("%s", problem)
                errors.append(problem)
            coverage, heartbeats, problems = self._coverage.assess(now)
            errors.extend(problems)
            self._snapshot = StatusSnapshot(
                computed_at=now,
                verify=state.report,
                verified_at=state.verified_at,
                fully_verified_at=state.fully_verified_at,
                verify_error=state.error,
                last_checkpoint=checkpoint,
                rule_fires=fires,
                verdicts_in_window=total,
                coverage=coverage,
                heartbeats=heartbeats,
                errors=tuple(errors),
                unsigned=unsigned,
            )
            return self._snapshot

    def _unsigned_now(self) -> SigningProblem | None:
        """The latest unsigned-checkpoints note, unless a newer checkpoint was signed since."""
        source = self._source
        if isinstance(source, SqliteSource) and not source.path.is_file():
            return None
        head = source.head().seq
        notes = source.events_between(
            self._note_seq, head, session_id=SIGNING_SESSION, kinds=("lifecycle",)
        )
        for seq, event in notes:
            if isinstance(event, Lifecycle) and event.phase == UNSIGNED_PHASE:
                reason = str(event.detail.get("reason", "")) or "the signing key is unreadable"
                self._unsigned = (seq, SigningProblem(event.ts, reason))
        self._note_seq = max(self._note_seq, head)
        if self._unsigned is None:
            return None
        checkpoint = source.last_checkpoint()
        if checkpoint is not None and checkpoint.seq > self._unsigned[0]:
            self._unsigned = None
            return None
        return self._unsigned[1]

    def _full_due(self, now: datetime, fully_verified_at: datetime | None) -> bool:
        if self._good is None or fully_verified_at is None:
            return True
        return now - fully_verified_at >= self._full_interval

    def _verify(
        self, now: datetime, state: _Verification, checkpoint: Checkpoint | None, *, full: bool
    ) -> tuple[_Verification, Checkpoint | None]:
        """Verify fully or since the last good record; a read failure leaves status unknown."""
        try:
            if full:
                report = self._verify_full()
                fully_at: datetime | None = now
            else:
                report = self._verify_new()
                fully_at = state.fully_verified_at
            checkpoint = self._source.last_checkpoint()
        except _READ_ERRORS as exc:
            error = _one_line(exc)
            _log.error("verifying the ledger `%s` failed: %s", self._source.name, error)
            self._verify_due = None  # retry at the next refresh
            unknown = _Verification(None, state.verified_at, state.fully_verified_at, error)
            return unknown, checkpoint
        self._good = report if report.ok else None
        self._verify_due = now + self._verify_interval
        return _Verification(report, now, fully_at, ""), checkpoint

    def _verify_full(self) -> VerifyReport:
        key_path = self._source.keys / PUBLIC_KEY_NAME
        key = load_public_key(key_path) if key_path.exists() else None
        return self._source.verify(key, require_signatures=key is not None)

    def _verify_new(self) -> VerifyReport:
        """Verify the records after the last good head; merge into the whole-ledger report."""
        good = self._good
        if good is None:
            return self._verify_full()
        new = self._source.verify_after(Head(good.head_seq, good.head_hash))
        if not new.ok:
            return new
        return dataclasses.replace(
            good,
            records_checked=good.records_checked + new.records_checked,
            withheld=good.withheld + new.withheld,
            head_seq=new.head_seq,
            head_hash=new.head_hash,
        )

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
            head = source.head().seq
            for seq, event in source.events_between(self._fire_seq, head, kinds=("verdict",)):
                if isinstance(event, VerdictEvent):
                    yield seq, event.ts, event.rule_ids
            self._fire_seq = max(self._fire_seq, head)
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


@dataclass(frozen=True, slots=True)
class _Verification:
    """What the snapshot says about verification: the report (None: unknown) and when."""

    report: VerifyReport | None
    verified_at: datetime | None
    fully_verified_at: datetime | None
    error: str


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class _Coverage:
    """Coverage of recent supervised sessions, computed as `watchkeeper sweep` does."""

    def __init__(self, home: Path, source: LedgerSource) -> None:
        from watchkeeper.sweep import SessionCoverage

        self._home = home
        self._sessions = SessionCoverage(source)

    def assess(
        self, now: datetime
    ) -> tuple[tuple[CoverageRow, ...], dict[str, datetime], list[str]]:
        from watchkeeper.supervise import load_sessions
        from watchkeeper.sweep import SweepConfigError, load_sweep_config

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
            report = self._sessions.assess(session, config.coverage, now=now)
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
