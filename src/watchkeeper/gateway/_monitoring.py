"""Monitors online: run them on every recorded step, escalate verdicts, raise alerts.

One `SessionView` per (deployment, session) is kept in memory (least recently used evicted
past `max_sessions`) and rebuilt lazily from the ledger when a session is first seen, so a
restarted gateway's monitors remember what the session did. Only the newest `replay_limit`
events of a session are replayed, so a first look at a very long session stays bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from watchkeeper.alerts import AlertStore, WebhookNotifier, dedupe_key
from watchkeeper.events import (
    AlertEvent,
    Decision,
    Event,
    Message,
    Reasoning,
    Severity,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.monitors import Finding, Monitor, SessionView, Step, run_monitors
from watchkeeper.monitors._aggregate import ScoreBoard
from watchkeeper.monitors._config import MonitorsConfig
from watchkeeper.normalize import Action
from watchkeeper.policy import Verdict

__all__ = ["OnlineMonitoring"]

_FLAGGED_ASK = "watchkeeper's monitors flagged this tool call for review by a person."
_FLAGGED_DENY = "watchkeeper's monitors flagged this tool call, so it was blocked."
_AGGREGATE = "aggregate"
_STEP_KINDS = (ToolCall, ToolResult, Reasoning, Message)
_MAX_TASK = 65536

History = Callable[[str, str], Iterable[Event]]
CallNormalizer = Callable[[ToolCall], Action]


@dataclass(slots=True)
class _Session:
    view: SessionView
    board: ScoreBoard = field(default_factory=ScoreBoard)
    alerted: dict[str, tuple[int, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class OnlineMonitoring:
    """Runs `monitors` on each step of live sessions and turns findings into alerts.

    Alert rule: a finding at or above its monitor's threshold alerts, an error finding
    always alerts, and a session whose trajectory score first reaches the overall threshold
    alerts under its strongest category. Repeats are deduplicated per session and category
    (in `alerts` when given, else in memory); only new or stronger alerts become events.
    `on_failure` is called with a monitor's name each time it fails on a live step, repeats
    included (for metrics).
    """

    def __init__(
        self,
        monitors: Sequence[Monitor],
        config: MonitorsConfig,
        *,
        normalize: CallNormalizer,
        history: History | None = None,
        alerts: AlertStore | None = None,
        notifier: WebhookNotifier | None = None,
        max_sessions: int = 4096,
        replay_limit: int = 2000,
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self._monitors = list(monitors)
        self._on_failure = on_failure
        self._config = config
        self._normalize = normalize
        self._history = history
        self._alerts = alerts
        self._notifier = notifier
        self._max_sessions = max_sessions
        self._replay_limit = replay_limit
        self._lock = threading.Lock()
        self._sessions: OrderedDict[tuple[str, str], _Session] = OrderedDict()

    @property
    def config(self) -> MonitorsConfig:
        """The monitoring configuration in force."""
        return self._config

    def touch(self, deployment_id: str, session_id: str) -> None:
        """Load the session's monitor state (from the ledger) before new events are recorded."""
        self._session(deployment_id, session_id)

    def knows(self, deployment_id: str, session_id: str) -> bool:
        """Return whether the session's monitor state is held in memory."""
        with self._lock:
            return (deployment_id, session_id) in self._sessions

    def restart(self, deployment_id: str, session_id: str, events: list[Event]) -> None:
        """Rebuild the session's monitor state from `events`, its recorded history."""
        fresh = _Session(SessionView(deployment_id, session_id))
        self._replay(fresh, events[-self._replay_limit :])
        key = (deployment_id, session_id)
        with self._lock:
            self._sessions[key] = fresh
            self._sessions.move_to_end(key)
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)

    def absorb(self, deployment_id: str, session_id: str, events: list[Event]) -> None:
        """Take in events another writer recorded in the session: state only, no alerts.

        Their alerts are that writer's (or a monitor worker's) to raise; alerts among `events`
        count as raised, so the same finding is not alerted twice.
        """
        if not events:
            return
        session = self._session(deployment_id, session_id)
        with session.lock:
            self._replay(session, events)

    def on_call(
        self, call: ToolCall, action: Action | None, verdict: Verdict
    ) -> tuple[Verdict, list[Event]]:
        """Monitor a tool call before it runs; return the (maybe escalated) verdict and alerts."""
        session = self._session(call.deployment_id, call.session_id)
        with session.lock:
            step = Step(len(session.view.steps), call, action, verdict)
            findings = run_monitors(
                self._monitors, session.view, step, slow_after=self._config.monitor_timeout
            )
            alerts = self._alert(session, findings)
        return self._escalate(verdict, findings), alerts

    def on_events(self, events: Sequence[Event], *, alert: bool = True) -> list[Event]:
        """Monitor recorded events (results, reasoning, messages…); return alert events.

        With `alert` False the findings only update each session's state (which decide-time
        monitors read) and no alert is raised: monitor workers do the alerting.
        """
        out: list[Event] = []
        for event in events:
            if not isinstance(event, _STEP_KINDS):
                continue
            session = self._session(event.deployment_id, event.session_id)
            action = self._normalize(event) if isinstance(event, ToolCall) else None
            with session.lock:
                _note_task(session.view, event)
                step = Step(len(session.view.steps), event, action)
                findings = run_monitors(
                    self._monitors, session.view, step, slow_after=self._config.monitor_timeout
                )
                if alert:
                    out += self._alert(session, findings)
                else:
                    for finding in findings:
                        session.board.add(finding)
        return out

    def _escalate(self, verdict: Verdict, findings: list[Finding]) -> Verdict:
        block = [f for f in findings if f.error is None and f.score >= self._config.block_threshold]
        failed = [f for f in findings if f.error is not None]
        targets = [self._config.block_decision] * bool(block)
        targets += [self._config.error_decision] * bool(failed)
        if not targets:
            return verdict
        target = Decision.DENY if Decision.DENY in targets else Decision.ASK
        if verdict.decision is Decision.DENY or verdict.decision is target:
            return verdict
        reasons = [
            f"monitor `{f.monitor}` scored {f.score:.2f} ({f.category}): {f.explanation}"
            for f in block
        ] + [f"monitor `{f.monitor}` failed: {f.error}" for f in failed]
        names = dict.fromkeys(f"monitor:{f.monitor}" for f in [*block, *failed])
        return Verdict(
            decision=target,
            rule_ids=(*verdict.rule_ids, *names),
            explanation=f"{verdict.explanation} Escalated to {target.value}: " + "; ".join(reasons),
            agent_message=_FLAGGED_DENY if target is Decision.DENY else _FLAGGED_ASK,
            errors=(*verdict.errors, *(f"monitor `{f.monitor}` failed: {f.error}" for f in failed)),
        )

    def _alert(self, session: _Session, findings: list[Finding]) -> list[Event]:
        out: list[Event] = []
        for finding in findings:
            if finding.error is not None and self._on_failure is not None:
                self._on_failure(finding.monitor)
            rose = session.board.add(finding)
            if finding.error is not None or finding.score >= self._config.threshold(
                finding.monitor
            ):
                out += self._raise(session, finding)
            elif rose and session.board.score >= self._config.overall_threshold:
                out += self._raise(session, _aggregate(session.board, finding))
        return out

    def _raise(self, session: _Session, finding: Finding) -> list[Event]:
        view = session.view
        if self._alerts is not None:
            raised = self._alerts.raise_alert(
                deployment_id=view.deployment_id,
                session_id=view.session_id,
                monitor=finding.monitor,
                category=finding.category,
                severity=finding.severity,
                score=finding.score,
                evidence=finding.evidence,
                explanation=finding.explanation,
            )
            if not (raised.new or raised.escalated):
                return []
            if self._notifier is not None:
                self._notifier.notify(raised.alert)
        else:
            seen = session.alerted.get(finding.category)
            strength = (finding.severity.rank, finding.score)
            if seen is not None and strength <= seen:
                return []
            session.alerted[finding.category] = max(strength, seen or strength)
        return [
            AlertEvent(
                deployment_id=view.deployment_id,
                session_id=view.session_id,
                monitor=finding.monitor,
                category=finding.category,
                severity=finding.severity,
                score=min(max(finding.score, 0.0), 1.0),
                evidence=finding.evidence,
                explanation=finding.explanation
                + (f" (error: {finding.error})" if finding.error else ""),
                dedupe_key=dedupe_key(view.deployment_id, view.session_id, finding.category),
            )
        ]

    def _session(self, deployment_id: str, session_id: str) -> _Session:
        key = (deployment_id, session_id)
        with self._lock:
            found = self._sessions.get(key)
            if found is not None:
                self._sessions.move_to_end(key)
                return found
        fresh = _Session(SessionView(deployment_id, session_id))
        if self._history is not None:
            recent = deque(self._history(deployment_id, session_id), maxlen=self._replay_limit)
            self._replay(fresh, list(recent))
        with self._lock:
            found = self._sessions.setdefault(key, fresh)
            self._sessions.move_to_end(key)
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)
            return found

    def _replay(self, session: _Session, events: list[Event]) -> None:
        """Rebuild monitor state from recorded events; past alerts are already recorded."""
        verdicts = {e.call_id: e for e in events if isinstance(e, VerdictEvent)}
        for event in events:
            if isinstance(event, AlertEvent):
                session.alerted[event.category] = max(
                    (event.severity.rank, event.score),
                    session.alerted.get(event.category, (0, 0.0)),
                )
            if not isinstance(event, _STEP_KINDS):
                continue
            _note_task(session.view, event)
            action = verdict = None
            if isinstance(event, ToolCall):
                action = self._normalize(event)
                recorded = verdicts.get(event.id)
                if recorded is not None:
                    verdict = Verdict(
                        decision=recorded.decision,
                        rule_ids=recorded.rule_ids,
                        explanation=recorded.explanation,
                        agent_message=recorded.agent_message,
                        errors=recorded.errors,
                    )
            step = Step(len(session.view.steps), event, action, verdict)
            for finding in run_monitors(self._monitors, session.view, step):
                session.board.add(finding)


def _note_task(view: SessionView, event: Event) -> None:
    """User messages are the session's task: what the person asked for (kept bounded)."""
    if isinstance(event, Message) and event.role == "user" and event.text:
        joined = event.text if view.task is None else f"{view.task}\n{event.text}"
        view.task = joined[:_MAX_TASK]


def _aggregate(board: ScoreBoard, finding: Finding) -> Finding:
    category = board.top_category() or finding.category
    return Finding(
        monitor=_AGGREGATE,
        score=board.score,
        category=category,
        severity=max(finding.severity, Severity.MEDIUM, key=lambda s: s.rank),
        explanation=f"the session's combined monitor score reached {board.score:.2f} "
        f"(strongest category `{category}`); latest: {finding.explanation}",
        evidence=finding.evidence,
    )
