"""The final verdict an agent gets once its `ask` is reviewed (or nobody reviewed it)."""

from __future__ import annotations

from watchkeeper.events import Decision
from watchkeeper.policy import Verdict
from watchkeeper.review._model import PendingApproval

__all__ = ["TIMEOUT_MESSAGE", "WITHDRAWN_MESSAGE", "final_verdict", "unrecorded_verdict"]

#: What the agent is told when no reviewer approved its call in time.
TIMEOUT_MESSAGE = "a reviewer did not approve this tool call in time, so it was denied."
#: What the agent is told when its client cancelled the call while it waited for review.
WITHDRAWN_MESSAGE = (
    "the client cancelled this tool call before a reviewer answered; it was not run."
)
_APPROVED_MESSAGE = "a reviewer approved this tool call."
_DENIED_MESSAGE = "a reviewer denied this tool call."
_UNRECORDED_MESSAGE = "watchkeeper could not record the review of this tool call, so it was denied."


def final_verdict(pending: PendingApproval, action: str, reviewer: str, reason: str) -> Verdict:
    """The verdict after `action` (``approve``, ``deny``, ``timeout`` or ``withdraw``) on `pending`.

    Its rule ids are ``review:<action>`` followed by the rules that asked.
    """
    asked = pending.verdict
    said = f": {reason}" if reason else ""
    decision = Decision.DENY
    if action == "approve":
        decision = Decision.ALLOW
        explanation = f"approved by `{reviewer}` in approval `{pending.id}`{said}"
        message = _APPROVED_MESSAGE
    elif action == "deny":
        explanation = f"denied by `{reviewer}` in approval `{pending.id}`{said}"
        message = f"{_DENIED_MESSAGE} The reviewer said: {reason}" if reason else _DENIED_MESSAGE
    elif action == "withdraw":
        explanation = f"approval `{pending.id}` was withdrawn before a review ({reason})"
        message = WITHDRAWN_MESSAGE
    else:
        explanation = f"approval `{pending.id}` was not answered by a reviewer ({reason}); denied"
        message = TIMEOUT_MESSAGE
    return Verdict(
        decision=decision,
        rule_ids=(f"review:{action}", *asked.rule_ids),
        explanation=explanation,
        agent_message=message,
        errors=asked.errors,
    )


def unrecorded_verdict(pending: PendingApproval, error: str) -> Verdict:
    """The deny given when the review of `pending` could not be recorded."""
    return Verdict(
        decision=Decision.DENY,
        rule_ids=("review:unrecorded", *pending.verdict.rule_ids),
        explanation=f"the review of approval `{pending.id}` was not recorded ({error}); denied",
        agent_message=_UNRECORDED_MESSAGE,
        errors=(*pending.verdict.errors, error),
    )
