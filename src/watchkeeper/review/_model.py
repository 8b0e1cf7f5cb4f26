"""An `ask` waiting for a person, and how it was resolved: frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from watchkeeper.events import Decision, ToolCall
from watchkeeper.policy import Verdict

__all__ = ["PendingApproval", "Resolution"]


@dataclass(frozen=True, slots=True)
class PendingApproval:
    """A tool call the policy asked about, waiting for a reviewer until `deadline` (UTC).

    `verdict` is the policy's `ask` verdict (its rule ids name the rules that asked).
    """

    id: str
    call: ToolCall
    verdict: Verdict
    created_at: datetime
    deadline: datetime

    @property
    def deployment_id(self) -> str:
        """The deployment the call belongs to."""
        return self.call.deployment_id

    @property
    def session_id(self) -> str:
        """The agent session the call belongs to."""
        return self.call.session_id


@dataclass(frozen=True, slots=True)
class Resolution:
    """How an approval ended and what the agent is finally told.

    `action` is ``approve``, ``deny``, ``timeout`` (nobody answered before the deadline, or
    the gateway shut down) or ``withdraw`` (the agent's client cancelled the call while it
    waited, so it will never run); `decision` is ALLOW only for ``approve``. `verdict` is the final
    verdict, recorded in the ledger for the same call id. `errors` is non-empty when the
    ledger did not record the review, in which case the decision is deny (fail closed).
    `grant_id` names the grant made with an approval, if any.
    """

    approval_id: str
    decision: Decision
    action: str
    reviewer: str
    reason: str
    resolved_at: datetime
    verdict: Verdict
    deployment_id: str
    call_id: str
    grant_id: str | None = None
    errors: tuple[str, ...] = ()
