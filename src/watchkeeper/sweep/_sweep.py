"""One sweep: scan processes, check sessions, the ledger and coverage, raise alerts once.

Findings become alerts in the `AlertStore` (deduplicated per deployment, session and
category) and, when an alert is new or got stronger, an `AlertEvent` in the ledger — so
re-running a sweep never duplicates an open alert. What a sweep must remember between runs
(the last verified ledger record, the unmonitored executions already reported) is kept in
`<home>/sweep-state.json`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from watchkeeper.alerts import AlertStore, dedupe_key
from watchkeeper.clock import utcnow
from watchkeeper.events import AlertEvent, Event
from watchkeeper.ledger import Head, LedgerSource, ledger_source
from watchkeeper.statefile import StateFile
from watchkeeper.supervise import pid_alive, read_cgroups, read_processes
from watchkeeper.sweep._assess import (
    ProcessCheck,
    SessionLike,
    check_processes,
    heartbeat_findings,
    rogue_findings,
)
from watchkeeper.sweep._config import SweepConfig
from watchkeeper.sweep._coverage import CoverageReport, coverage_finding
from watchkeeper.sweep._findings import SWEEP_MONITOR, Finding
from watchkeeper.sweep._ledger_check import check_ledger
from watchkeeper.sweep._session_coverage import SessionCoverage
from watchkeeper.sweep._sources import deployment_lookup, supervised_sessions

__all__ = ["STATE_FILE", "Raised", "SweepReport", "Sweeper", "UnknownSessionError"]

#: What a sweep remembers between runs, inside the watchkeeper home.
STATE_FILE = "sweep-state.json"
#: Appends events to the ledger durably (`LedgerStore.append`).
Recorder = Callable[[Sequence[Event]], object]
_MAX_REPORTED = 10_000


class UnknownSessionError(LookupError):
    """Coverage was asked for a session that is not supervised under this home."""


@dataclass(frozen=True, slots=True)
class Raised:
    """A finding and what became of it: `new` alert, `escalated` one, or folded into one."""

    finding: Finding
    alert_id: int
    new: bool
    escalated: bool


@dataclass(frozen=True, slots=True)
class SweepReport:
    """Everything one sweep looked at and found."""

    at: datetime
    scanned: int
    checks: tuple[ProcessCheck, ...]
    findings: tuple[Finding, ...]
    raised: tuple[Raised, ...]
    coverage: tuple[CoverageReport, ...] = field(default=())

    @property
    def candidates(self) -> tuple[ProcessCheck, ...]:
        """The processes that are rogue deployment candidates."""
        return tuple(c for c in self.checks if not c.authorised)

    @property
    def clean(self) -> bool:
        """True when the sweep found nothing."""
        return not self.findings


class Sweeper:
    """Runs sweeps over one watchkeeper home.

    `record` appends to the ledger (the gateway passes its own store's `append`; the CLI
    opens the ledger itself); `alerts` is the alert store. Neither is closed here. The
    ledger is read from `ledger` (default: `ledger_source(home)`, so `$WATCHKEEPER_DB` or
    `<home>/ledger.db`, where `record` appends).
    """

    def __init__(
        self,
        home: Path,
        *,
        config: SweepConfig,
        record: Recorder,
        alerts: AlertStore,
        ledger: LedgerSource | None = None,
    ) -> None:
        self._home = home
        self._config = config
        self._record = record
        self._alerts = alerts
        self._ledger_source = ledger or ledger_source(home)
        self._state = StateFile(home / STATE_FILE)
        self._deployment = deployment_lookup(home)
        self._session_coverage = SessionCoverage(self._ledger_source)

    def run(
        self,
        *,
        pids: Iterable[int] | None = None,
        coverage_session: str | None = None,
    ) -> SweepReport:
        """Sweep once: every process (or only `pids`), every session, the ledger, coverage.

        With `coverage_session`, coverage is computed for that session only (raising
        `UnknownSessionError` when it is not supervised here); otherwise for every session
        still running or ended within `coverage_lookback` seconds.
        """
        now = utcnow()
        sessions = supervised_sessions(self._home)
        by_id = {s.session_id: s for s in sessions}
        if coverage_session is not None and coverage_session not in by_id:
            raise UnknownSessionError(
                f"no supervised session `{coverage_session}` under `{self._home}`; "
                "see `<home>/supervision/` for the sessions there are"
            )
        processes = read_processes(pids)
        checks = check_processes(
            processes,
            signatures=self._config.all_signatures(),
            ignore=self._config.ignore,
            sessions=by_id,
            deployment=self._deployment,
            alive=pid_alive,
            cgroups=read_cgroups,
            now=now,
            self_pids=frozenset({os.getpid()}),
        )
        findings = rogue_findings(checks)
        findings += heartbeat_findings(sessions, now=now, factor=self._config.heartbeat_factor)
        with self._state.update() as state:
            findings += self._ledger(state)
            recent = _recent(sessions, now, self._config.coverage_lookback)
            wanted = [by_id[coverage_session]] if coverage_session is not None else recent
            keep = {s.session_id for s in [*recent, *wanted]}
            reports, covered = self._coverage(wanted, keep, now, state)
            findings += covered
            # Inside the update: if raising fails, what was marked reported is not saved.
            raised = self._raise(findings)
        return SweepReport(
            now, len(processes), tuple(checks), tuple(findings), raised, tuple(reports)
        )

    def _ledger(self, state: dict[str, object]) -> list[Finding]:
        raw = state.get("ledger")
        mark = None
        if isinstance(raw, dict) and isinstance(raw.get("seq"), int):
            mark = Head(int(raw["seq"]), str(raw.get("hash", "")))
        new_mark, finding = check_ledger(self._ledger_source, mark)
        if new_mark is not None:
            state["ledger"] = {"seq": new_mark.seq, "hash": new_mark.hash}
        return [] if finding is None else [finding]

    def _coverage(
        self,
        sessions: Sequence[SessionLike],
        keep: set[str],
        now: datetime,
        state: dict[str, object],
    ) -> tuple[list[CoverageReport], list[Finding]]:
        reported = state.get("coverage")
        seen: dict[str, list[str]] = reported if isinstance(reported, dict) else {}
        reports: list[CoverageReport] = []
        findings: list[Finding] = []
        for session in sessions:
            report = self._session_coverage.assess(session, self._config.coverage, now=now)
            reports.append(report)
            known = set(seen.get(session.session_id, []))
            new = [e for e in report.unmonitored if e.event_id not in known]
            finding = coverage_finding(report, new)
            if finding is not None:
                findings.append(finding)
                ids = [*seen.get(session.session_id, []), *(e.event_id for e in new)]
                seen[session.session_id] = ids[-_MAX_REPORTED:]
        state["coverage"] = {k: v for k, v in seen.items() if k in keep}
        self._session_coverage.retain(keep)
        return reports, findings

    def _raise(self, findings: Sequence[Finding]) -> tuple[Raised, ...]:
        out: list[Raised] = []
        events: list[Event] = []
        for finding in findings:
            stored = self._alerts.raise_alert(
                deployment_id=finding.deployment_id,
                session_id=finding.session_id,
                monitor=SWEEP_MONITOR,
                category=finding.category,
                severity=finding.severity,
                score=finding.score,
                evidence=finding.evidence,
                explanation=finding.explanation,
            )
            out.append(Raised(finding, stored.alert.id, stored.new, stored.escalated))
            if stored.new or stored.escalated:
                events.append(_alert_event(finding))
        if events:
            self._record(events)
        return tuple(out)


def _recent(sessions: Sequence[SessionLike], now: datetime, lookback: float) -> list[SessionLike]:
    horizon = now - timedelta(seconds=lookback)
    return [s for s in sessions if s.ended is None or s.ended >= horizon]


def _alert_event(finding: Finding) -> AlertEvent:
    return AlertEvent(
        deployment_id=finding.deployment_id,
        session_id=finding.session_id,
        monitor=SWEEP_MONITOR,
        category=finding.category,
        severity=finding.severity,
        score=finding.score,
        evidence=finding.evidence,
        explanation=finding.explanation,
        dedupe_key=dedupe_key(finding.deployment_id, finding.session_id, finding.category),
    )
