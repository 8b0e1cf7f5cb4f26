"""The decision pipeline: normalise → decide → record durably → answer."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from watchkeeper.events import Decision, ErrorEvent, Event, ToolCall, VerdictEvent
from watchkeeper.gateway._follow import LedgerFollower
from watchkeeper.gateway._sessions import SessionHistory, SessionTracker
from watchkeeper.ledger import LedgerStore, Receipt
from watchkeeper.normalize import Action
from watchkeeper.policy import SessionContext, Verdict

if TYPE_CHECKING:
    from watchkeeper.alerts import Alert, AlertStore, WebhookNotifier
    from watchkeeper.gateway._monitoring import OnlineMonitoring
    from watchkeeper.gateway._observer import PipelineObserver
    from watchkeeper.monitors import Monitor, MonitorsConfig

__all__ = [
    "ActionNormalizer",
    "AskOverride",
    "DecisionPolicy",
    "GatewayStore",
    "Pipeline",
    "RecordError",
]

_log = logging.getLogger(__name__)

_BLOCKED_MESSAGE = "watchkeeper could not evaluate this tool call, so it was blocked."
_MONITOR_ASK_MESSAGE = "watchkeeper could not check this tool call, so a person must review it."
_RAW_KEPT = 4096
_UNRECORDED_MESSAGE = "watchkeeper could not record this tool call, so it was blocked."


class ActionNormalizer(Protocol):
    """What the pipeline needs from `watchkeeper.normalize.Normalizer`."""

    def tool_call(self, call: ToolCall) -> Action: ...


class DecisionPolicy(Protocol):
    """What the pipeline needs from `watchkeeper.policy.Policy`."""

    def decide(self, action: Action, context: SessionContext) -> Verdict: ...


class AskOverride(Protocol):
    """What the pipeline needs from `watchkeeper.review.GrantStore`: turn an `ask` into an allow."""

    def apply(self, call: ToolCall, action: Action, verdict: Verdict) -> Verdict | None: ...


class _Head(Protocol):
    @property
    def seq(self) -> int: ...


class GatewayStore(LedgerStore, Protocol):
    """A `LedgerStore` that can also report its committed head (as `SqliteLedger` does)."""

    def head(self) -> _Head: ...


class RecordError(Exception):
    """The ledger did not confirm that events were recorded; retry or check the ledger."""


class Pipeline:
    """Normalises tool calls, decides them against a policy and records both durably.

    `decide` never raises and never lets a call through unrecorded: an internal failure
    becomes a deny verdict with the error kept, and a ledger failure becomes a deny verdict
    saying the call could not be recorded. The pipeline owns `store` and closes it.

    With `monitors`, each call is monitored after the policy decides (a finding at or above
    the block threshold escalates allow → ask/deny; a monitor failure forces the configured
    fail-closed decision), and recorded results and reasoning are monitored after they are
    recorded (alerts only). Alerts go to the ledger as `AlertEvent`s in the same durable
    submit, to `alerts` (which the pipeline then owns and closes) and to `notifier`.

    With `policy_for`, each call is decided by `policy_for(call.deployment_id)` instead of
    `policy` (a deployment's own policy); if that raises, the call is denied.

    Each of `observers` (metrics, trace export) is told of every answered call, every
    durable append and every monitor failure; an observer that raises is logged and ignored.

    With `grants`, an `ask` verdict is offered to `grants.apply`, which may return an allow
    (a reviewer's scoped, expiring grant); if that raises, the ask stands with the error kept.

    With `follow_ledger` (gateways sharing one ledger), each call and each recorded batch first
    takes in the session's records that other writers committed since this pipeline last
    looked (`LedgerFollower`): session facts and the monitors' state then cover the whole
    session whichever gateway answered its earlier calls. A failed read denies the call.
    """

    def __init__(
        self,
        normalizer: ActionNormalizer,
        policy: DecisionPolicy,
        store: GatewayStore,
        *,
        record_timeout: float = 30.0,
        monitors: Sequence[Monitor] = (),
        monitor_config: MonitorsConfig | None = None,
        alerts: AlertStore | None = None,
        notifier: WebhookNotifier | None = None,
        policy_for: Callable[[str], DecisionPolicy] | None = None,
        observers: Sequence[PipelineObserver] = (),
        grants: AskOverride | None = None,
        alert_recorded: bool = True,
        follow_ledger: bool = False,
    ) -> None:
        self._alert_recorded = alert_recorded
        self._observers = tuple(observers)
        self._grants = grants
        self._normalizer = normalizer
        self._policy = policy
        self._policy_for = policy_for
        self._store = store
        self._record_timeout = record_timeout
        self._follower: LedgerFollower | None = None
        history: SessionHistory | None = self._session_history
        if follow_ledger:
            self._follower = LedgerFollower(self._session_records)
            history = None  # the follower feeds session facts and monitors from the ledger
        self._sessions = SessionTracker(history)
        self._alerts = alerts
        self._notifier = notifier
        self._monitoring: OnlineMonitoring | None = None
        if monitors:
            from watchkeeper.gateway._monitoring import OnlineMonitoring
            from watchkeeper.monitors import MonitorsConfig

            if notifier is not None:
                notifier.on_failure = self._webhook_failed
            self._monitoring = OnlineMonitoring(
                monitors,
                monitor_config if monitor_config is not None else MonitorsConfig(),
                normalize=normalizer.tool_call,
                history=history,
                alerts=alerts,
                notifier=notifier,
                on_failure=self._monitor_failed if self._observers else None,
            )

    @property
    def store(self) -> GatewayStore:
        """The ledger this pipeline records into (for reading; writes go through the pipeline)."""
        return self._store

    def decide(self, call: ToolCall) -> Verdict:
        """Decide `call`, record it with its verdict, and return the verdict once durable."""
        started = time.perf_counter()
        extra: list[Event] = []
        action: Action | None = None
        try:
            self._follow(call.deployment_id, call.session_id)
            context = self._sessions.context(call.deployment_id, call.session_id)
            action = self._normalizer.tool_call(call)
            policy = self._policy
            if self._policy_for is not None:
                policy = self._policy_for(call.deployment_id)
            verdict = policy.decide(action, context)
            if verdict.decision is Decision.ASK and self._grants is not None:
                verdict = self._granted(call, action, verdict)
            verdict_event = _verdict_event(call, verdict)
        except Exception as exc:  # noqa: BLE001 - fail closed: any failure is a recorded deny
            _log.exception("deciding call %s failed", call.id)
            verdict = _failure_verdict(exc)
            extra.append(
                ErrorEvent(
                    deployment_id=call.deployment_id,
                    session_id=call.session_id,
                    where="gateway.decide",
                    message=f"{type(exc).__name__}: {exc}",
                )
            )
            verdict_event = _verdict_event(call, verdict)
        found: list[Event] = []
        if self._monitoring is not None:
            monitored, found = self._monitor_call(call, action, verdict)
            if monitored is not verdict:
                verdict, verdict_event = monitored, _verdict_event(call, monitored)
        events: list[Event] = [call, *extra, verdict_event, *found]
        submitted = time.perf_counter()
        try:
            if self._follower is not None:
                self._follower.mine(events)
            self._store.submit(events).result(timeout=self._record_timeout)
        except Exception as exc:  # noqa: BLE001 - fail closed: never allow an unrecorded call
            _log.exception("recording call %s failed", call.id)
            self._record_failure(call, exc)
            verdict = _unrecorded_verdict(verdict, exc)
            if self._observers:
                self._tell_decided(call, verdict, time.perf_counter() - started)
            return verdict
        self._observe(events)
        if self._observers:
            durable = time.perf_counter()
            self._tell_recorded(events, durable - submitted)
            self._tell_decided(call, verdict, durable - started)
        return verdict

    def record(self, events: Sequence[Event]) -> list[Receipt]:
        """Append `events` durably and update session facts; raise `RecordError` on failure."""
        try:
            for key in dict.fromkeys((e.deployment_id, e.session_id) for e in events):
                self._follow(*key)
                self._sessions.context(*key)
                if self._monitoring is not None:
                    self._monitoring.touch(*key)
            if self._follower is not None:
                self._follower.mine(events)
            submitted = time.perf_counter()
            receipts = self._store.submit(events).result(timeout=self._record_timeout)
        except Exception as exc:
            raise RecordError(
                f"the ledger did not record {len(events)} event(s): `{exc}`; retry later"
            ) from exc
        self._observe(events)
        if self._observers:
            self._tell_recorded(events, time.perf_counter() - submitted)
        self._monitor_recorded(events)
        return receipts

    def head_seq(self) -> int:
        """Return the sequence number of the newest committed ledger record (0 when empty)."""
        return self._store.head().seq

    def close(self) -> None:
        """Close the ledger (waiting for pending writes), the alert store and the notifier."""
        try:
            if self._notifier is not None:
                self._notifier.close()
        finally:
            try:
                if self._alerts is not None:
                    self._alerts.close()
            finally:
                self._store.close()

    def _granted(self, call: ToolCall, action: Action, verdict: Verdict) -> Verdict:
        """Offer an `ask` to the grants; a failing grant store leaves the ask standing."""
        if self._grants is None:
            return verdict
        try:
            granted = self._grants.apply(call, action, verdict)
        except Exception as exc:  # noqa: BLE001 - a broken grant store must not block asks
            _log.exception("checking grants for call %s failed", call.id)
            error = f"grants failed: {type(exc).__name__}: {exc}"
            return Verdict(
                verdict.decision,
                verdict.rule_ids,
                verdict.explanation,
                verdict.agent_message,
                (*verdict.errors, error),
            )
        return verdict if granted is None else granted

    def _monitor_call(
        self, call: ToolCall, action: Action | None, verdict: Verdict
    ) -> tuple[Verdict, list[Event]]:
        """Run the monitors on `call`; if the monitoring itself fails, fail closed."""
        monitoring = self._monitoring
        if monitoring is None:
            return verdict, []
        try:
            return monitoring.on_call(call, action, verdict)
        except Exception as exc:  # noqa: BLE001 - a monitoring failure is never a silent pass
            _log.exception("monitoring call %s failed", call.id)
            error = f"{type(exc).__name__}: {exc}"
            event = ErrorEvent(
                deployment_id=call.deployment_id,
                session_id=call.session_id,
                where="gateway.monitor",
                message=error,
            )
            return _monitoring_failed(verdict, monitoring.config.error_decision, error), [event]

    def _monitor_recorded(self, events: Sequence[Event]) -> None:
        """Monitor just-recorded events and record any alerts; failures are logged + recorded."""
        if self._monitoring is None:
            return
        try:
            found = self._monitoring.on_events(events, alert=self._alert_recorded)
            if found:
                submitted = time.perf_counter()
                self._store.submit(found).result(timeout=self._record_timeout)
                if self._observers:
                    self._tell_recorded(found, time.perf_counter() - submitted)
        except Exception as exc:  # noqa: BLE001 - the events are recorded; keep the failure
            _log.exception("monitoring recorded events failed")
            first = events[0]
            with contextlib.suppress(Exception):
                self._store.submit(
                    [
                        ErrorEvent(
                            deployment_id=first.deployment_id,
                            session_id=first.session_id,
                            where="gateway.monitor",
                            message=f"{type(exc).__name__}: {exc}",
                        )
                    ]
                )

    def _webhook_failed(self, alert: Alert, error: str) -> None:
        """Record a failed webhook post (runs on the notifier's thread, not a decision's)."""
        self._store.submit(
            [
                ErrorEvent(
                    deployment_id=alert.deployment_id,
                    session_id=alert.session_id,
                    where="alerts.webhook",
                    message=f"posting alert `{alert.id}` to the webhook failed: {error}",
                )
            ]
        ).result(timeout=self._record_timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _record_failure(self, call: ToolCall, exc: BaseException) -> None:
        """Best effort: keep a trace of a call that could not be recorded (e.g. unencodable).

        When the ledger itself is down this fails too, and only the log keeps it.
        """
        try:
            error = ErrorEvent(
                deployment_id=call.deployment_id,
                session_id=call.session_id,
                where="gateway.record",
                message=f"call `{call.id}` of tool `{call.tool}` was denied unrecorded: "
                f"{type(exc).__name__}: {exc}",
                raw=_clipped_repr(call.args),
            )
            self._store.submit([error]).result(timeout=self._record_timeout)
        except Exception:  # noqa: BLE001 - the deny stands either way; the log has the cause
            _log.warning("could not record the failure of call %s either", call.id)

    def _observe(self, events: Sequence[Event]) -> None:
        try:
            self._sessions.observe(events)
        except Exception:  # noqa: BLE001 - the events are recorded; only session facts lag
            _log.exception("updating session facts failed")

    def _tell_decided(self, call: ToolCall, verdict: Verdict, seconds: float) -> None:
        for observer in self._observers:
            try:
                observer.decided(call, verdict, seconds)
            except Exception:  # noqa: BLE001 - an observer never affects a verdict
                _log.exception("pipeline observer %r failed on a decision", observer)

    def _tell_recorded(self, events: Sequence[Event], seconds: float) -> None:
        for observer in self._observers:
            try:
                observer.recorded(events, seconds)
            except Exception:  # noqa: BLE001 - the events are recorded whatever it does
                _log.exception("pipeline observer %r failed on recorded events", observer)

    def _monitor_failed(self, monitor: str) -> None:
        for observer in self._observers:
            try:
                observer.monitor_failed(monitor)
            except Exception:  # noqa: BLE001 - the failure is already an alert
                _log.exception("pipeline observer %r failed on a monitor failure", observer)

    def _follow(self, deployment_id: str, session_id: str) -> None:
        """Take in what other writers recorded in the session (with `follow_ledger`)."""
        follower = self._follower
        if follower is None:
            return
        monitoring = self._monitoring
        with follower.holding(deployment_id, session_id):
            lost = not self._sessions.knows(deployment_id, session_id) or (
                monitoring is not None and not monitoring.knows(deployment_id, session_id)
            )  # evicted here, or never seen: start it afresh
            new, events = follower.catch_up(deployment_id, session_id, from_start=lost)
            if new:
                self._sessions.restart(deployment_id, session_id, events)
                if monitoring is not None:
                    monitoring.restart(deployment_id, session_id, events)
            elif events:
                self._sessions.observe(events)
                if monitoring is not None:
                    monitoring.absorb(deployment_id, session_id, events)

    def _session_records(self, session_id: str, after_seq: int) -> Iterator[tuple[int, Event]]:
        return self._store.events(session_id=session_id, after_seq=after_seq)

    def _session_history(self, deployment_id: str, session_id: str) -> Iterator[Event]:
        for _seq, event in self._store.events(session_id=session_id):
            if event.deployment_id == deployment_id:
                yield event


def _clipped_repr(value: object) -> str:
    try:
        return repr(value)[:_RAW_KEPT]
    except RecursionError:
        return "<too deeply nested to show>"


def _verdict_event(call: ToolCall, verdict: Verdict) -> VerdictEvent:
    return VerdictEvent(
        deployment_id=call.deployment_id,
        session_id=call.session_id,
        call_id=call.id,
        decision=verdict.decision,
        rule_ids=tuple(verdict.rule_ids),
        explanation=verdict.explanation,
        agent_message=verdict.agent_message,
        errors=tuple(verdict.errors),
    )


def _failure_verdict(exc: BaseException) -> Verdict:
    return Verdict(
        decision=Decision.DENY,
        rule_ids=(),
        explanation=f"internal error while deciding: {type(exc).__name__}: {exc}",
        agent_message=_BLOCKED_MESSAGE,
        errors=(f"{type(exc).__name__}: {exc}",),
    )


def _monitoring_failed(verdict: Verdict, decision: Decision, error: str) -> Verdict:
    if verdict.decision is Decision.DENY or verdict.decision is decision:
        return Verdict(
            verdict.decision,
            verdict.rule_ids,
            verdict.explanation,
            verdict.agent_message,
            (*verdict.errors, f"monitoring failed: {error}"),
        )
    return Verdict(
        decision=decision,
        rule_ids=verdict.rule_ids,
        explanation=f"{verdict.explanation} Monitoring failed ({error}), so the call was "
        f"escalated to {decision.value}.",
        agent_message=_BLOCKED_MESSAGE if decision is Decision.DENY else _MONITOR_ASK_MESSAGE,
        errors=(*verdict.errors, f"monitoring failed: {error}"),
    )


def _unrecorded_verdict(verdict: Verdict, exc: BaseException) -> Verdict:
    reason = f"could not record the call in the ledger: {type(exc).__name__}: {exc}"
    return Verdict(
        decision=Decision.DENY,
        rule_ids=verdict.rule_ids if verdict.decision is Decision.DENY else (),
        explanation=reason,
        agent_message=_UNRECORDED_MESSAGE,
        errors=(*verdict.errors, reason),
    )
