"""An Inspect approver that routes every tool approval through watchkeeper.

Inspect asks its approval policy about each tool call before running it. This approver
turns the call into a watchkeeper `ToolCall` (tool = the Inspect tool's name, args = its
arguments; Inspect's `bash` tool with `cmd` is parsed as shell, like Claude Code's `Bash`),
gets the verdict, records the assistant's accompanying message, and answers Inspect:

- allow → ``approve``;
- deny → ``reject`` with the agent-facing message (never the rule's internals);
- ask → ``escalate`` (the next approver in the policy decides — typically ``human``; with
  none, Inspect's policy rejects), or ``reject`` with ``ask="reject"``.

Through a gateway that holds asks for a reviewer (`watchkeeper serve`), the approver waits
for the review (up to ``review_wait`` seconds) and answers with its outcome instead: the
reviewer's approval → ``approve``; a denial, or no review in time → ``reject`` with the
reason (e.g. "a reviewer did not approve this tool call in time, so it was denied.").

Each Inspect sample is one ledger session (``inspect-<sample uuid>``).
"""

from __future__ import annotations

import contextlib
import uuid
import weakref
from pathlib import Path
from typing import Any, Literal

import anyio
from inspect_ai.approval import Approval, Approver, approver
from inspect_ai.model import ChatMessage
from inspect_ai.tool import ToolCall as InspectToolCall
from inspect_ai.tool import ToolCallView

from watchkeeper.events import Decision, Message, ToolCall
from watchkeeper.integrations._decider import Decider, open_decider
from watchkeeper.policy import Verdict

__all__ = ["gateway"]

_MESSAGE_KEPT = 65536
#: Default seconds to wait for a reviewer (the gateway's default approval timeout).
REVIEW_WAIT = 120.0


def _review_wait(seconds: float) -> float:
    value = float(seconds)
    if not value >= 0:
        raise ValueError(
            f"review_wait `{seconds}` must be a number of seconds >= 0; use 0 to not wait"
        )
    return value


def _session_id(fallback: str) -> str:
    """The active Inspect sample's id, so one sample is one ledger session."""
    try:
        from inspect_ai.log._samples import sample_active  # private: Inspect has no public accessor
    except ImportError:
        return fallback
    active = sample_active()
    if active is None:
        return fallback
    return f"inspect-{active.sample_uuid or active.id}"


def _answer(verdict: Verdict, ask: Literal["escalate", "reject"]) -> Approval:
    metadata: dict[str, Any] = {"watchkeeper_rule_ids": list(verdict.rule_ids)}
    reviewed = bool(verdict.rule_ids) and verdict.rule_ids[0].startswith("review:")
    if verdict.decision is Decision.ALLOW:
        said = verdict.agent_message if reviewed else ""
        explanation = f"allowed by watchkeeper: {said}" if said else "allowed by watchkeeper"
        return Approval(decision="approve", explanation=explanation, metadata=metadata)
    if verdict.decision is Decision.ASK and ask == "escalate":
        return Approval(
            decision="escalate",
            explanation="watchkeeper: this call needs a person's approval",
            metadata=metadata,
        )
    return Approval(
        decision="reject",
        explanation=verdict.agent_message or "Blocked by watchkeeper policy.",
        metadata=metadata,
    )


@approver(name="gateway")
def gateway(
    url: str | None = None,
    token: str | None = None,
    home: str | None = None,
    deployment: str = "inspect",
    ask: Literal["escalate", "reject"] = "escalate",
    *,
    review_wait: float = REVIEW_WAIT,
) -> Approver:
    """Approve Inspect tool calls by asking watchkeeper.

    Args:
      url: gateway URL (``http://127.0.0.1:8470`` or ``unix:///…/gateway.sock``); without it
        the policy, monitors and ledger of `home` are used in this process.
      token: the deployment's gateway token (``$WATCHKEEPER_TOKEN`` when omitted).
      home: watchkeeper home for in-process mode (``$WATCHKEEPER_HOME`` or ~/.watchkeeper).
      deployment: deployment id recorded on the calls in in-process mode.
      ask: what an `ask` verdict becomes: ``escalate`` to the next approver, or ``reject``.
      review_wait: seconds to wait when the gateway holds an `ask` for a reviewer (0: do
        not wait; the `ask` is answered by `ask` at once). Keep it at least the gateway's
        ``--approval-timeout`` so the gateway's own timeout answer arrives first.
    """
    import os

    from watchkeeper.home import resolve_home

    stack = contextlib.ExitStack()
    wiring = stack.enter_context(
        open_decider(
            resolve_home(Path(home) if home else None),
            url=url or os.environ.get("WATCHKEEPER_URL") or None,
            token=token or os.environ.get("WATCHKEEPER_TOKEN"),
            review_wait=_review_wait(review_wait),
        )
    )
    decider: Decider = wiring.decider
    fallback = f"inspect-{uuid.uuid4().hex}"

    def decide(message: str, call: InspectToolCall) -> Verdict:
        session = _session_id(fallback)
        if message:
            decider.record(
                [
                    Message(
                        session_id=session,
                        deployment_id=deployment,
                        role="assistant",
                        text=message[:_MESSAGE_KEPT],
                    )
                ]
            )
        return decider.decide(
            ToolCall(
                session_id=session,
                deployment_id=deployment,
                tool=call.function,
                args=dict(call.arguments),
                tool_use_id=call.id,
                source="inspect",
            )
        )

    async def approve(
        message: str,
        call: InspectToolCall,
        view: ToolCallView,  # noqa: ARG001 - Inspect's Approver signature
        history: list[ChatMessage],  # noqa: ARG001 - the ledger already holds the session
    ) -> Approval:
        try:
            verdict = await anyio.to_thread.run_sync(decide, message, call)
        except Exception as exc:  # noqa: BLE001 - fail closed: no verdict is a rejection
            return Approval(
                decision="reject",
                explanation="Blocked by watchkeeper: no verdict could be obtained.",
                metadata={"watchkeeper_error": f"{type(exc).__name__}: {exc}"},
            )
        return _answer(verdict, ask)

    # The pipeline (ledger writer, monitors) closes when Inspect lets go of the approver, or
    # at interpreter exit at the latest; an `atexit` hook would keep every approver's
    # pipeline open until exit.
    weakref.finalize(approve, stack.close)
    return approve
