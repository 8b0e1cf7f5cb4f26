"""Holding an `ask` for a reviewer: the decide and hook routes wait on the approval queue."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.responses import Response, StreamingResponse

from watchkeeper.events import Decision, ToolCall, VerdictEvent
from watchkeeper.gateway._hooks import HookReplyLike, permission_reply
from watchkeeper.gateway._models import HookResponse
from watchkeeper.gateway._pipeline import RecordError
from watchkeeper.policy import Verdict

if TYPE_CHECKING:
    from watchkeeper.gateway._context import GatewayContext
    from watchkeeper.review import ApprovalQueue, PendingApproval

__all__ = ["HOLD_HEADER", "hold_decided", "holding", "hook_answer", "open_approval"]

#: Response header of a held hook reply: the most seconds the gateway may hold the call.
#: The hook process, which otherwise gives up after `WATCHKEEPER_TIMEOUT`, waits that long.
HOLD_HEADER = "X-Watchkeeper-Hold"

_log = logging.getLogger(__name__)

_NOT_HELD_MESSAGE = "watchkeeper could not hold this tool call for a reviewer, so it was denied."
_FAILED_MESSAGE = "watchkeeper could not finish the review of this tool call, so it was denied."


def holding(context: GatewayContext, verdict: Verdict) -> ApprovalQueue | None:
    """The queue to hold `verdict` in: set only for an `ask` when the gateway holds asks."""
    if verdict.decision is not Decision.ASK or context.approval_timeout <= 0:
        return None
    return context.approvals


async def open_approval(
    context: GatewayContext, queue: ApprovalQueue, call: ToolCall, verdict: Verdict
) -> PendingApproval | Verdict:
    """Open an approval for `call`; if the queue refuses, return a recorded deny instead."""
    from watchkeeper.review import ApprovalError

    try:
        return queue.open(call, verdict, timeout=context.approval_timeout)
    except ApprovalError as exc:
        _log.warning("holding call %s for review failed: %s", call.id, exc)
        denied = Verdict(
            decision=Decision.DENY,
            rule_ids=verdict.rule_ids,
            explanation=f"the ask could not be held for a reviewer: {exc}",
            agent_message=_NOT_HELD_MESSAGE,
            errors=(*verdict.errors, str(exc)),
        )
        event = VerdictEvent(
            deployment_id=call.deployment_id,
            session_id=call.session_id,
            call_id=call.id,
            decision=denied.decision,
            rule_ids=denied.rule_ids,
            explanation=denied.explanation,
            agent_message=denied.agent_message,
            errors=denied.errors,
        )
        try:
            await context.in_thread(context.pipeline.record, [event])
        except RecordError:
            _log.exception("recording the deny of call %s failed", call.id)
        return denied


async def hold_decided(
    context: GatewayContext, call: ToolCall, verdict: Verdict, *, wait: bool
) -> tuple[Verdict, str | None]:
    """For `/v1/decide`: hold an `ask`; return the verdict to answer and the approval id.

    Without `wait` the answer is the `ask` itself, with the id to wait on later.
    """
    queue = holding(context, verdict)
    if queue is None:
        return verdict, None
    opened = await open_approval(context, queue, call, verdict)
    if isinstance(opened, Verdict):
        return opened, None
    if not wait:
        return verdict, opened.id
    return (await queue.wait(opened.id)).verdict, opened.id


async def hook_answer(context: GatewayContext, reply: HookReplyLike) -> Response:
    """The HTTP reply for a handled hook event; a PreToolUse `ask` is held for a reviewer.

    A held reply sends the status and `HOLD_HEADER` at once, so the hook process knows to
    wait; the body, the usual hook reply, follows when the approval is resolved (deny on
    timeout).
    """
    call, verdict = reply.call, reply.verdict
    queue = None if verdict is None else holding(context, verdict)
    if call is None or verdict is None or queue is None:
        answer = HookResponse(stdout=reply.stdout, exit_code=reply.exit_code)
        return Response(answer.model_dump_json(), media_type="application/json")
    opened = await open_approval(context, queue, call, verdict)

    async def body() -> AsyncIterator[bytes]:
        if isinstance(opened, Verdict):
            reply = permission_reply(opened.decision.value, opened.agent_message)
        else:
            try:
                resolution = await queue.wait(opened.id)
                final = resolution.verdict
                reply = permission_reply(final.decision.value, final.agent_message)
            except Exception:  # noqa: BLE001 - fail closed: the hook gets a deny
                _log.exception("waiting for approval %s failed", opened.id)
                reply = permission_reply(Decision.DENY.value, _FAILED_MESSAGE)
        yield json.dumps(reply.model_dump(mode="json")).encode()

    headers = {HOLD_HEADER: str(math.ceil(context.approval_timeout))}
    if not isinstance(opened, Verdict):
        headers["X-Watchkeeper-Approval"] = opened.id
    return StreamingResponse(body(), media_type="application/json", headers=headers)
