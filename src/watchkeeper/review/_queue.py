"""The approval queue: `ask` verdicts held for a person, resolved once, recorded first.

Thread-safe, and waited on with asyncio: a waiting call costs a future on the server's
event loop, never a thread. Entries live only in the process that serves the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from watchkeeper.clock import utcnow
from watchkeeper.events import Decision, ErrorEvent, Event, ReviewEvent, ToolCall, VerdictEvent
from watchkeeper.policy import Verdict
from watchkeeper.review._errors import (
    ApprovalClosedError,
    ApprovalError,
    ApprovalNotFoundError,
    GrantError,
)
from watchkeeper.review._final import final_verdict, unrecorded_verdict
from watchkeeper.review._grant_model import GrantSpec
from watchkeeper.review._grant_store import GrantStore
from watchkeeper.review._model import PendingApproval, Resolution

__all__ = ["SYSTEM_REVIEWER", "ApprovalQueue", "closed_message"]

#: The reviewer named on timeouts and shutdowns.
SYSTEM_REVIEWER = "system"
_KEEP_RESOLVED = 10_000
_MAX_PENDING = 10_000

_log = logging.getLogger(__name__)

_Waiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Resolution]"]


@dataclass(slots=True)
class _Entry:
    pending: PendingApproval
    closing: bool = False
    waiters: list[_Waiter] = field(default_factory=list)


class ApprovalQueue:
    """Pending approvals of one gateway process.

    `record` appends events durably (`Pipeline.record`); every resolution — a reviewer's
    approve or deny, a timeout, a shutdown, a withdrawal — is recorded (a `ReviewEvent` and
    the final `VerdictEvent` for the call) *before* anyone waiting is told. When recording
    fails the resolution is a deny. `grants`, when given, lets an approval create a grant.
    """

    def __init__(
        self,
        record: Callable[[Sequence[Event]], object],
        *,
        grants: GrantStore | None = None,
        max_pending: int = _MAX_PENDING,
    ) -> None:
        self._record = record
        self._grants = grants
        self._max_pending = max_pending
        self._lock = threading.Lock()
        self._open: dict[str, _Entry] = {}
        self._done: OrderedDict[str, Resolution] = OrderedDict()
        self._closed = False

    @property
    def grants(self) -> GrantStore | None:
        """The grant store approvals create grants in, if any."""
        return self._grants

    def open(self, call: ToolCall, verdict: Verdict, *, timeout: float) -> PendingApproval:
        """Hold `call` (its policy verdict was `ask`) for a reviewer for `timeout` seconds."""
        if verdict.decision is not Decision.ASK:
            raise ApprovalError(
                f"verdict `{verdict.decision.value}` of call `{call.id}` is not `ask`; only "
                "asks wait for a reviewer"
            )
        now = utcnow()
        pending = PendingApproval(
            id=secrets.token_hex(16),
            call=call,
            verdict=verdict,
            created_at=now,
            deadline=now + timedelta(seconds=max(timeout, 0.0)),
        )
        with self._lock:
            if self._closed:
                raise ApprovalClosedError(
                    "the approval queue is closed because the gateway is shutting down; retry "
                    "once it is back"
                )
            if len(self._open) >= self._max_pending:
                raise ApprovalError(
                    f"`{len(self._open)}` approvals are already pending; resolve some first"
                )
            self._open[pending.id] = _Entry(pending)
        return pending

    def pending(self) -> list[PendingApproval]:
        """Approvals waiting for a reviewer (deadline not passed), oldest first."""
        now = utcnow()
        with self._lock:
            found = [
                e.pending for e in self._open.values() if not e.closing and e.pending.deadline > now
            ]
        return sorted(found, key=lambda p: p.created_at)

    def get(self, approval_id: str) -> PendingApproval | None:
        """The approval `approval_id` while it waits for a reviewer, else None."""
        with self._lock:
            entry = self._open.get(approval_id)
        if entry is None or entry.closing or entry.pending.deadline <= utcnow():
            return None
        return entry.pending

    def resolution(self, approval_id: str) -> Resolution | None:
        """How approval `approval_id` ended, if it has (recent ones are kept)."""
        with self._lock:
            return self._done.get(approval_id)

    def deployment_of(self, approval_id: str) -> str | None:
        """The deployment of approval `approval_id`, open or resolved; None when unknown."""
        with self._lock:
            entry = self._open.get(approval_id)
            if entry is not None:
                return entry.pending.deployment_id
            done = self._done.get(approval_id)
        return None if done is None else done.deployment_id

    def resolve(
        self,
        approval_id: str,
        decision: Decision,
        *,
        reviewer: str,
        reason: str = "",
        grant: GrantSpec | None = None,
    ) -> Resolution:
        """Approve (ALLOW) or deny (DENY) a pending approval; record it, then wake the waiter.

        Blocks on the ledger: call it from a worker thread, not the event loop. Raises
        `ApprovalNotFoundError` for an unknown id and `ApprovalClosedError` when it was
        already resolved or its deadline passed. `grant` (only with ALLOW) also creates
        that grant. A ledger failure makes the resolution a deny with `errors` set.
        """
        if decision not in (Decision.ALLOW, Decision.DENY):
            raise ApprovalError(
                f"decision `{decision.value}` cannot resolve an approval; use allow or deny"
            )
        with self._lock:
            entry = self._claim(approval_id)
            overdue = entry.pending.deadline <= utcnow()
        if overdue:
            self._finish(entry, "timeout", SYSTEM_REVIEWER, "no reviewer answered in time")
            raise ApprovalClosedError(
                f"approval `{approval_id}` passed its deadline before it was resolved; the "
                "call was denied"
            )
        if grant is not None and (
            decision is not Decision.ALLOW
            or grant.deployment_id != entry.pending.deployment_id
            or self._grants is None
        ):
            with self._lock:
                entry.closing = False
            raise GrantError(
                f"a grant for deployment `{grant.deployment_id}` cannot go with this "
                f"resolution of approval `{approval_id}`; grants need approve, the call's own "
                "deployment and a gateway with a grant store"
            )
        action = "approve" if decision is Decision.ALLOW else "deny"
        return self._finish(entry, action, reviewer, reason, grant)

    async def wait(self, approval_id: str) -> Resolution:
        """Wait on the running event loop until approval `approval_id` is resolved.

        At the deadline the approval is closed as a timeout (deny, reviewer ``system``).
        A resolved approval returns its resolution at once. Raises `ApprovalNotFoundError`
        for an unknown id.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Resolution] = loop.create_future()
        with self._lock:
            done = self._done.get(approval_id)
            if done is not None:
                return done
            entry = self._open.get(approval_id)
            if entry is None:
                raise _not_found(approval_id)
            waiter: _Waiter = (loop, future)
            entry.waiters.append(waiter)
        try:
            remaining = (entry.pending.deadline - utcnow()).total_seconds()
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(asyncio.shield(future), max(remaining, 0.0))
            await asyncio.to_thread(self._expire, approval_id)
            return await future
        finally:
            with self._lock, contextlib.suppress(ValueError):
                entry.waiters.remove(waiter)

    def withdraw(
        self, deployment_id: str, session_id: str, tool_use_id: str, *, reason: str
    ) -> Resolution | None:
        """Withdraw the open approval of call `tool_use_id`: its client will never run it.

        The approval ends as ``withdraw`` (a deny, reviewer ``system``, `reason` kept), is
        recorded like every resolution and leaves the pending list; a reviewer who tries to
        decide it is told it was withdrawn. Blocks on the ledger: call it from a worker
        thread. None when no open approval holds that call of that deployment and session.
        """
        if not tool_use_id:
            return None
        with self._lock:
            entry = next(
                (
                    e
                    for e in self._open.values()
                    if not e.closing
                    and e.pending.call.tool_use_id == tool_use_id
                    and e.pending.session_id == session_id
                    and e.pending.deployment_id == deployment_id
                ),
                None,
            )
            if entry is None:
                return None
            entry.closing = True
        return self._finish(entry, "withdraw", SYSTEM_REVIEWER, reason)

    def expire_overdue(self) -> list[Resolution]:
        """Close every approval past its deadline as a timeout; return their resolutions."""
        now = utcnow()
        with self._lock:
            overdue = [
                key
                for key, entry in self._open.items()
                if not entry.closing and entry.pending.deadline <= now
            ]
        return [r for r in (self._expire(key) for key in overdue) if r is not None]

    def close(self) -> None:
        """Deny every open approval (the gateway is stopping) and refuse new ones."""
        with self._lock:
            self._closed = True
            entries = [e for e in self._open.values() if not e.closing]
            for entry in entries:
                entry.closing = True
        for entry in entries:
            self._finish(entry, "timeout", SYSTEM_REVIEWER, "the gateway shut down before a review")

    def _claim(self, approval_id: str) -> _Entry:
        """Mark an open entry as being closed by the caller (lock held)."""
        entry = self._open.get(approval_id)
        if entry is None:
            done = self._done.get(approval_id)
            if done is not None:
                raise ApprovalClosedError(closed_message(done))
            raise _not_found(approval_id)
        if entry.closing:
            raise ApprovalClosedError(
                f"approval `{approval_id}` is being resolved by someone else; reload it"
            )
        entry.closing = True
        return entry

    def _expire(self, approval_id: str) -> Resolution | None:
        with self._lock:
            entry = self._open.get(approval_id)
            if entry is None or entry.closing:
                return None
            entry.closing = True
        return self._finish(entry, "timeout", SYSTEM_REVIEWER, "no reviewer answered in time")

    def _finish(
        self,
        entry: _Entry,
        action: str,
        reviewer: str,
        reason: str,
        grant: GrantSpec | None = None,
    ) -> Resolution:
        """Record the resolution (fail closed), store it and wake the waiters."""
        pending = entry.pending
        call = pending.call
        grant_id: str | None = None
        try:
            if grant is not None and self._grants is not None:
                grant_id = self._grants.create(
                    grant, session_id=call.session_id, approval_id=pending.id
                ).id
            verdict = final_verdict(pending, action, reviewer, reason)
            self._record(
                [
                    _review_event(pending, action, reviewer, reason, grant_id),
                    _verdict_event(call, verdict),
                ]
            )
            resolution = Resolution(
                approval_id=pending.id,
                decision=verdict.decision,
                action=action,
                reviewer=reviewer,
                reason=reason,
                resolved_at=utcnow(),
                verdict=verdict,
                grant_id=grant_id,
                deployment_id=call.deployment_id,
                call_id=call.id,
            )
        except Exception as exc:  # noqa: BLE001 - fail closed: an unrecorded review is a deny
            _log.exception("recording the resolution of approval %s failed", pending.id)
            resolution = self._unrecorded(
                entry, action=action, reviewer=reviewer, reason=reason, exc=exc, grant_id=grant_id
            )
        with self._lock:
            self._open.pop(pending.id, None)
            self._done[pending.id] = resolution
            while len(self._done) > _KEEP_RESOLVED:
                self._done.popitem(last=False)
            waiters = list(entry.waiters)
        for loop, future in waiters:
            with contextlib.suppress(RuntimeError):  # that loop is closed; nobody waits there
                loop.call_soon_threadsafe(_deliver, future, resolution)
        return resolution

    def _unrecorded(
        self,
        entry: _Entry,
        *,
        action: str,
        reviewer: str,
        reason: str,
        exc: Exception,
        grant_id: str | None,
    ) -> Resolution:
        pending = entry.pending
        call = pending.call
        error = f"{type(exc).__name__}: {exc}"
        if grant_id is not None and self._grants is not None:
            with contextlib.suppress(Exception):
                self._grants.revoke(grant_id, by=SYSTEM_REVIEWER, reason="approval not recorded")
        verdict = unrecorded_verdict(pending, error)
        with contextlib.suppress(Exception):
            self._record(
                [
                    ErrorEvent(
                        deployment_id=call.deployment_id,
                        session_id=call.session_id,
                        where="review.approvals",
                        message=f"`{action}` of approval `{pending.id}` by `{reviewer}` was not "
                        f"recorded, so the call was denied: {error}",
                    ),
                    _verdict_event(call, verdict),
                ]
            )
        return Resolution(
            approval_id=pending.id,
            decision=Decision.DENY,
            action=action,
            reviewer=reviewer,
            reason=reason,
            resolved_at=utcnow(),
            verdict=verdict,
            grant_id=None,
            errors=(error,),
            deployment_id=call.deployment_id,
            call_id=call.id,
        )


def closed_message(resolution: Resolution) -> str:
    """One line telling a reviewer why resolved approval `resolution` cannot be decided."""
    if resolution.action == "withdraw":
        return (
            f"approval `{resolution.approval_id}` was withdrawn ({resolution.reason}); the "
            "call will never run, so there is nothing to decide"
        )
    return (
        f"approval `{resolution.approval_id}` is already resolved ({resolution.action}); "
        "nothing to do"
    )


def _deliver(future: asyncio.Future[Resolution], resolution: Resolution) -> None:
    if not future.done():
        future.set_result(resolution)


def _not_found(approval_id: str) -> ApprovalNotFoundError:
    return ApprovalNotFoundError(
        f"approval `{approval_id[:80]}` is not known to this gateway; approvals live only in "
        "the gateway process that held them, so it may have restarted"
    )


def _review_event(
    pending: PendingApproval, action: str, reviewer: str, reason: str, grant_id: str | None
) -> ReviewEvent:
    call = pending.call
    return ReviewEvent(
        deployment_id=call.deployment_id,
        session_id=call.session_id,
        action=action,
        reviewer=reviewer,
        target=f"approval:{pending.id}",
        reason=reason[:4000],
        detail={
            "call_id": call.id,
            "tool": call.tool,
            "rule_ids": list(pending.verdict.rule_ids),
            "grant_id": grant_id,
            "waited_seconds": round((utcnow() - pending.created_at).total_seconds(), 3),
        },
    )


def _verdict_event(call: ToolCall, verdict: Verdict) -> VerdictEvent:
    return VerdictEvent(
        deployment_id=call.deployment_id,
        session_id=call.session_id,
        call_id=call.id,
        decision=verdict.decision,
        rule_ids=verdict.rule_ids,
        explanation=verdict.explanation,
        agent_message=verdict.agent_message,
        errors=verdict.errors,
    )
