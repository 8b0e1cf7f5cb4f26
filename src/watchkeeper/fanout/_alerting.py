"""Turning one published event into alerts, idempotently, from the session's recorded history.

A worker holds no session state of its own: for each event it rebuilds the session's monitor
state from the ledger (the events recorded before it), so whichever worker receives an event
sees the same history. Alert events get ids derived from the triggering event, monitor,
category and evidence, so a redelivered message finds its alert already in the ledger and
writes nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from watchkeeper.alerts import AlertStore, WebhookNotifier
from watchkeeper.events import (
    AlertEvent,
    Event,
    Message,
    Reasoning,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.fanout._message import Published
from watchkeeper.gateway._monitoring import CallNormalizer, OnlineMonitoring
from watchkeeper.ledger import LedgerStore
from watchkeeper.monitors import Monitor, MonitorsConfig

__all__ = ["HistoryMismatchError", "StepAlerter", "StepOutcome", "alert_event_id"]

_STEP_KINDS = (ToolCall, ToolResult, Reasoning, Message)


class HistoryMismatchError(Exception):
    """The ledger the worker reads does not hold the published event where it should."""


@dataclass(frozen=True, slots=True)
class StepOutcome:
    """What handling one event did.

    `status` is `monitored` (the monitors ran on it), `decided` (a tool call the gateway already
    monitored when deciding it) or `ignored` (not a step: verdicts, alerts, lifecycle…).
    `alert_ids` are the alert events this handling wrote to the ledger.
    """

    seq: int
    event_id: str
    status: str
    alert_ids: tuple[str, ...] = ()


def alert_event_id(trigger: Event, alert: AlertEvent) -> str:
    """Return the id an alert raised by `trigger` always gets (so a retry finds it)."""
    key = "\x1f".join((trigger.id, alert.monitor, alert.category, *alert.evidence))
    return "alert-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class StepAlerter:
    """Runs `monitors` on published events and writes their alerts to `ledger` and `alerts`.

    The alert rule and deduplication are the gateway's (`OnlineMonitoring`): the same
    thresholds, the same one-alert-per-session-and-category folding in `alerts`.
    """

    def __init__(
        self,
        monitors: Sequence[Monitor],
        config: MonitorsConfig,
        *,
        normalize: CallNormalizer,
        ledger: LedgerStore,
        alerts: AlertStore | None = None,
        notifier: WebhookNotifier | None = None,
        replay_limit: int = 2000,
        record_timeout: float = 30.0,
    ) -> None:
        self._monitors = list(monitors)
        self._config = config
        self._normalize = normalize
        self._ledger = ledger
        self._alerts = alerts
        self._notifier = notifier
        self._replay_limit = replay_limit
        self._record_timeout = record_timeout

    def handle(self, published: Published, *, redelivered: bool = False) -> StepOutcome:
        """Monitor `published.event` against its session's history; write any new alerts.

        Raises `HistoryMismatchError` when the ledger does not hold the event at its sequence
        number, and whatever the ledger or alert store raise; nothing is half-acknowledged,
        so the caller can simply retry.
        """
        seq, event = published.seq, published.event
        if not isinstance(event, _STEP_KINDS):
            return StepOutcome(seq, event.id, "ignored")
        before, after = self._history(published)
        if isinstance(event, ToolCall) and any(
            isinstance(e, VerdictEvent) and e.call_id == event.id for e in after
        ):
            return StepOutcome(seq, event.id, "decided")
        monitoring = OnlineMonitoring(
            self._monitors,
            self._config,
            normalize=self._normalize,
            history=lambda _deployment, _session: before,
            replay_limit=self._replay_limit,
        )
        recorded = {e.id for e in after if isinstance(e, AlertEvent)}
        fresh: list[Event] = []
        for found in monitoring.on_events([event]):
            if not isinstance(found, AlertEvent):
                continue
            alert = found.model_copy(update={"id": alert_event_id(event, found)})
            if alert.id in recorded or not self._store(alert, redelivered=redelivered):
                continue
            fresh.append(alert)
        if fresh:
            self._ledger.submit(fresh).result(timeout=self._record_timeout)
        return StepOutcome(seq, event.id, "monitored", tuple(a.id for a in fresh))

    def _store(self, alert: AlertEvent, *, redelivered: bool) -> bool:
        """Fold `alert` into the alert table; return whether its event belongs in the ledger.

        A first delivery writes the event only for a new or stronger alert, as the gateway
        does. A redelivery writes it whenever the ledger lacks it: an earlier attempt may have
        folded it into the table and died before recording the event.
        """
        if self._alerts is None:
            return True
        raised = self._alerts.raise_alert(
            deployment_id=alert.deployment_id,
            session_id=alert.session_id,
            monitor=alert.monitor,
            category=alert.category,
            severity=alert.severity,
            score=alert.score,
            evidence=alert.evidence,
            explanation=alert.explanation,
        )
        changed = raised.new or raised.escalated
        if changed and self._notifier is not None:
            self._notifier.notify(raised.alert)
        return changed or redelivered

    def _history(self, published: Published) -> tuple[list[Event], list[Event]]:
        """Return the session's events recorded before and after `published`."""
        event = published.event
        before: list[Event] = []
        after: list[Event] = []
        found = False
        for seq, recorded in self._ledger.events(session_id=event.session_id):
            if recorded.deployment_id != event.deployment_id:
                continue
            if seq < published.seq:
                before.append(recorded)
            elif seq > published.seq:
                after.append(recorded)
            else:
                found = recorded.id == event.id
        if not found:
            raise HistoryMismatchError(
                f"the ledger has no event `{event.id}` at seq {published.seq}; point the worker "
                "at the ledger the gateway publishes from (`--home`)"
            )
        return before, after
