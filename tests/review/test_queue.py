"""The approval queue: asks wait, a reviewer resolves once, everything is recorded first."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from datetime import timedelta

import pytest
import time_machine

from watchkeeper.clock import utcnow
from watchkeeper.events import Decision, Event, ReviewEvent, ToolCall, VerdictEvent
from watchkeeper.gateway import Pipeline
from watchkeeper.policy import Verdict
from watchkeeper.review import (
    TIMEOUT_MESSAGE,
    ApprovalClosedError,
    ApprovalError,
    ApprovalNotFoundError,
    ApprovalQueue,
    GrantError,
    GrantSpec,
)

from .conftest import asked, bash

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _decided(pipeline: Pipeline, command: str = "pytest -x") -> tuple[ToolCall, Verdict]:
    call = bash(command)
    return call, pipeline.decide(call)


def _open(queue: ApprovalQueue, pipeline: Pipeline, timeout: float = 30.0) -> str:
    call = bash("pytest -x")
    verdict = pipeline.decide(call)
    assert verdict.decision is Decision.ASK
    return queue.open(call, verdict, timeout=timeout).id


def _final_verdicts(pipeline: Pipeline, call_id: str) -> list[VerdictEvent]:
    return [
        e
        for _s, e in pipeline.store.events()
        if isinstance(e, VerdictEvent) and e.call_id == call_id
    ]


async def _resolve_soon(queue: ApprovalQueue, approval_id: str, decision: Decision) -> None:
    await asyncio.sleep(0.05)
    await asyncio.to_thread(queue.resolve, approval_id, decision, reviewer="rita", reason="ok")


async def test_approve_wakes_the_waiter_with_allow(
    queue: ApprovalQueue, pipeline: Pipeline
) -> None:
    """A waiting ask returns allow, from `rita`, once she approves it."""
    approval_id = _open(queue, pipeline)
    resolver = asyncio.create_task(_resolve_soon(queue, approval_id, Decision.ALLOW))
    resolution = await queue.wait(approval_id)
    await resolver
    assert (resolution.decision, resolution.action, resolution.reviewer) == (
        Decision.ALLOW,
        "approve",
        "rita",
    )
    assert resolution.verdict.rule_ids == ("review:approve", "ask-pytest")


async def test_the_review_and_final_verdict_are_recorded(
    queue: ApprovalQueue, pipeline: Pipeline
) -> None:
    """The ledger holds the ask, then the reviewer's deny and the final deny for the call."""
    approval_id = _open(queue, pipeline)
    pending = queue.get(approval_id)
    assert pending is not None
    resolver = asyncio.create_task(_resolve_soon(queue, approval_id, Decision.DENY))
    resolution = await queue.wait(approval_id)
    await resolver
    verdicts = _final_verdicts(pipeline, pending.call.id)
    assert [v.decision for v in verdicts] == [Decision.ASK, Decision.DENY]
    assert verdicts[1].rule_ids == ("review:deny", "ask-pytest")
    review = [e for _s, e in pipeline.store.events() if isinstance(e, ReviewEvent)]
    assert [(r.action, r.reviewer, r.target) for r in review] == [
        ("deny", "rita", f"approval:{approval_id}")
    ]
    assert resolution.verdict.agent_message.startswith("a reviewer denied this tool call")


async def test_the_review_is_durable_before_the_waiter_wakes(
    queue: ApprovalQueue, pipeline: Pipeline
) -> None:
    """When the waiter wakes, the review event is already in the ledger."""
    approval_id = _open(queue, pipeline)
    resolver = asyncio.create_task(_resolve_soon(queue, approval_id, Decision.ALLOW))
    await queue.wait(approval_id)
    kinds = [e.kind for _s, e in pipeline.store.events()]
    await resolver
    assert kinds[-2:] == ["review", "verdict"]


async def test_an_unanswered_ask_times_out_as_deny(
    queue: ApprovalQueue, pipeline: Pipeline
) -> None:
    """Nobody answers within 0.2 s: the waiter gets deny from `system`, recorded as a timeout."""
    approval_id = _open(queue, pipeline, timeout=0.2)
    resolution = await asyncio.wait_for(queue.wait(approval_id), 10)
    assert (resolution.decision, resolution.action, resolution.reviewer) == (
        Decision.DENY,
        "timeout",
        "system",
    )
    assert resolution.verdict.agent_message == TIMEOUT_MESSAGE
    assert [e.kind for _s, e in pipeline.store.events()][-2:] == ["review", "verdict"]
    with pytest.raises(ApprovalClosedError, match="already resolved"):
        queue.resolve(approval_id, Decision.ALLOW, reviewer="rita")


async def test_many_waiters_hold_no_threads(queue: ApprovalQueue, pipeline: Pipeline) -> None:
    """Three hundred waiting asks add no threads; all are answered when resolved."""
    ids = [_open(queue, pipeline) for _ in range(300)]
    before = threading.active_count()
    waiters = [asyncio.create_task(queue.wait(i)) for i in ids]
    await asyncio.sleep(0.1)
    assert threading.active_count() <= before
    for approval_id in ids:
        queue.resolve(approval_id, Decision.ALLOW, reviewer="rita")
    results = await asyncio.wait_for(asyncio.gather(*waiters), 30)
    assert {r.decision for r in results} == {Decision.ALLOW}


def test_resolving_twice_is_refused(queue: ApprovalQueue, pipeline: Pipeline) -> None:
    """A second resolution of the same approval raises `ApprovalClosedError`."""
    approval_id = _open(queue, pipeline)
    queue.resolve(approval_id, Decision.ALLOW, reviewer="rita")
    with pytest.raises(ApprovalClosedError, match=f"`{approval_id}` is already resolved"):
        queue.resolve(approval_id, Decision.DENY, reviewer="sam")


def test_an_unknown_approval_is_not_found(queue: ApprovalQueue) -> None:
    """Resolving an id the queue never held raises `ApprovalNotFoundError` naming it."""
    with pytest.raises(ApprovalNotFoundError, match="`nope`"):
        queue.resolve("nope", Decision.ALLOW, reviewer="rita")


def test_resolving_after_the_deadline_is_refused(queue: ApprovalQueue, pipeline: Pipeline) -> None:
    """An approval past its deadline cannot be approved; it is closed as a timeout."""
    approval_id = _open(queue, pipeline, timeout=60)
    with time_machine.travel(utcnow() + timedelta(seconds=61)):
        assert queue.pending() == []
        with pytest.raises(ApprovalClosedError, match="passed its deadline"):
            queue.resolve(approval_id, Decision.ALLOW, reviewer="rita")
    done = queue.resolution(approval_id)
    assert done is not None
    assert (done.decision, done.action) == (Decision.DENY, "timeout")


def test_pending_lists_oldest_first(queue: ApprovalQueue, pipeline: Pipeline) -> None:
    """`pending()` lists open approvals oldest first and drops resolved ones."""
    first = _open(queue, pipeline)
    second = _open(queue, pipeline)
    third = _open(queue, pipeline)
    queue.resolve(second, Decision.DENY, reviewer="rita")
    assert [p.id for p in queue.pending()] == [first, third]


def test_only_asks_can_wait(queue: ApprovalQueue, pipeline: Pipeline) -> None:
    """Opening an approval for an allow verdict is refused."""
    call, verdict = _decided(pipeline, "echo hi")
    with pytest.raises(ApprovalError, match="is not `ask`"):
        queue.open(call, verdict, timeout=10)


async def test_a_ledger_failure_denies(pipeline: Pipeline) -> None:
    """When the review cannot be recorded, the approval resolves as deny with the error."""

    def broken(_events: Sequence[Event]) -> object:
        raise OSError("disk full")

    queue = ApprovalQueue(broken)
    approval_id = queue.open(bash("pytest -x"), asked("ask-pytest"), timeout=30).id
    resolution = queue.resolve(approval_id, Decision.ALLOW, reviewer="rita")
    assert resolution.decision is Decision.DENY
    assert any("disk full" in error for error in resolution.errors)
    assert (await queue.wait(approval_id)).decision is Decision.DENY


async def test_closing_the_queue_denies_waiters(pipeline: Pipeline) -> None:
    """On shutdown every waiting ask gets deny, and no new ask can wait."""
    queue = ApprovalQueue(pipeline.record)
    approval_id = queue.open(bash("pytest -x"), asked("ask-pytest"), timeout=300).id
    waiter = asyncio.create_task(queue.wait(approval_id))
    await asyncio.sleep(0.05)
    queue.close()
    resolution = await asyncio.wait_for(waiter, 10)
    assert (resolution.decision, resolution.action) == (Decision.DENY, "timeout")
    with pytest.raises(ApprovalClosedError, match="shutting down"):
        queue.open(bash("pytest"), asked("ask-pytest"), timeout=10)


def test_approving_with_a_grant_creates_it(queue: ApprovalQueue, pipeline: Pipeline) -> None:
    """Approving with a grant stores the grant, records it and names it in the resolution."""
    approval_id = _open(queue, pipeline)
    spec = GrantSpec(
        deployment_id="alpha",
        tool="Bash",
        command=("pytest",),
        duration=timedelta(hours=8),
        created_by="rita",
    )
    resolution = queue.resolve(approval_id, Decision.ALLOW, reviewer="rita", grant=spec)
    assert resolution.grant_id is not None
    assert queue.grants is not None
    assert [g.id for g in queue.grants.list()] == [resolution.grant_id]
    assert pipeline.decide(bash("pytest -q")).decision is Decision.ALLOW
    actions = [e.action for _s, e in pipeline.store.events() if isinstance(e, ReviewEvent)]
    assert actions == ["grant", "approve"]


def test_a_grant_cannot_go_with_a_deny(queue: ApprovalQueue, pipeline: Pipeline) -> None:
    """Denying with a grant is refused and the approval stays pending."""
    approval_id = _open(queue, pipeline)
    spec = GrantSpec(
        deployment_id="alpha",
        tool="Bash",
        command=("pytest",),
        duration=timedelta(hours=1),
        created_by="rita",
    )
    with pytest.raises(GrantError, match="grants need approve"):
        queue.resolve(approval_id, Decision.DENY, reviewer="rita", grant=spec)
    assert queue.get(approval_id) is not None


def _open_call(queue: ApprovalQueue, pipeline: Pipeline, tool_use_id: str) -> str:
    call = bash("pytest -x").model_copy(update={"tool_use_id": tool_use_id})
    return queue.open(call, pipeline.decide(call), timeout=30.0).id


async def test_withdrawing_a_cancelled_call_ends_its_approval(
    queue: ApprovalQueue, pipeline: Pipeline
) -> None:
    """A withdrawn call leaves the pending list, its waiter gets a deny, the ledger says so."""
    approval_id = _open_call(queue, pipeline, "tu-1")
    other = _open_call(queue, pipeline, "tu-2")
    waiter = asyncio.create_task(queue.wait(approval_id))
    await asyncio.sleep(0.05)
    withdrawn = await asyncio.to_thread(
        queue.withdraw, "alpha", "s1", "tu-1", reason="the client cancelled the call"
    )
    resolution = await waiter
    assert withdrawn == resolution
    assert (resolution.action, resolution.decision, resolution.reviewer) == (
        "withdraw",
        Decision.DENY,
        "system",
    )
    assert resolution.verdict.rule_ids == ("review:withdraw", "ask-pytest")
    assert [p.id for p in queue.pending()] == [other]
    review = [e for _s, e in pipeline.store.events() if isinstance(e, ReviewEvent)]
    assert [(r.action, r.target, r.reason) for r in review] == [
        ("withdraw", f"approval:{approval_id}", "the client cancelled the call")
    ]


def test_withdrawing_needs_the_same_deployment_and_session(
    queue: ApprovalQueue, pipeline: Pipeline
) -> None:
    """Another deployment (or session) naming the same call id withdraws nothing."""
    approval_id = _open_call(queue, pipeline, "tu-1")
    assert queue.withdraw("beta", "s1", "tu-1", reason="x") is None
    assert queue.withdraw("alpha", "s2", "tu-1", reason="x") is None
    assert [p.id for p in queue.pending()] == [approval_id]


def test_deciding_a_withdrawn_approval_says_it_was_withdrawn(
    queue: ApprovalQueue, pipeline: Pipeline
) -> None:
    """A reviewer approving a withdrawn call is refused with one line saying why."""
    approval_id = _open_call(queue, pipeline, "tu-1")
    queue.withdraw("alpha", "s1", "tu-1", reason="the client cancelled the call")
    with pytest.raises(ApprovalClosedError, match=r"was withdrawn .*will never run"):
        queue.resolve(approval_id, Decision.ALLOW, reviewer="rita")
