"""The Claude Code hook endpoint's seam: the handler it calls and its fail-closed reply."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from watchkeeper.gateway._models import HookResponse

if TYPE_CHECKING:
    from watchkeeper.events import ToolCall
    from watchkeeper.policy import Verdict

__all__ = ["HookHandler", "HookReplyLike", "hook_failure_reply", "permission_reply"]

_BLOCKED_REASON = "watchkeeper could not process this tool call, so it was blocked."


class HookReplyLike(Protocol):
    """What a hook handler answers: the JSON object to print (or None) and the exit code.

    For a decided PreToolUse event, `call` and `verdict` are the call and its verdict (the
    route holds an `ask` for a reviewer with them); otherwise both are None.
    """

    @property
    def stdout(self) -> dict[str, Any] | None: ...

    @property
    def exit_code(self) -> int: ...

    @property
    def call(self) -> ToolCall | None: ...

    @property
    def verdict(self) -> Verdict | None: ...


class HookHandler(Protocol):
    """What `/v1/hooks/claude-code` needs (implemented by `ClaudeCodeAdapter`)."""

    def handle(
        self, payload: Mapping[str, Any], transcript_lines: Sequence[str], *, deployment_id: str
    ) -> HookReplyLike: ...


def hook_failure_reply(raw: bytes) -> HookResponse:
    """Return the reply for a hook request that failed: deny if it was a PreToolUse event.

    Other hook events get no output; the hook client denies PreToolUse on any non-2xx reply
    as well, so a reply lost on the way also fails closed.
    """
    if _event_name(raw) != "PreToolUse":
        return HookResponse(stdout=None, exit_code=0)
    return permission_reply("deny", _BLOCKED_REASON)


def permission_reply(decision: str, reason: str) -> HookResponse:
    """Return the PreToolUse reply that tells Claude Code `decision` with `reason`."""
    return HookResponse(
        stdout={
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": decision,
                "permissionDecisionReason": reason,
            }
        },
        exit_code=0,
    )


def _event_name(raw: bytes) -> str | None:
    try:
        data: Any = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    payload = data.get("payload") if isinstance(data, dict) else None
    name = payload.get("hook_event_name") if isinstance(payload, dict) else None
    return name if isinstance(name, str) else None
