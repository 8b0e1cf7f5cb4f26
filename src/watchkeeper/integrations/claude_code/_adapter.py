"""Claude Code hook events → watchkeeper events, decisions and hook replies.

Everything Claude-Code specific about a hook call happens here, server-side: the hook
process only forwards the payload and the new transcript lines.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from watchkeeper.events import (
    Decision,
    ErrorEvent,
    Event,
    Lifecycle,
    Message,
    ToolCall,
    ToolResult,
)
from watchkeeper.integrations.claude_code._payload import (
    lifecycle_detail,
    phase_name,
    text_field,
    tool_output,
)
from watchkeeper.integrations.claude_code._transcript import TranscriptReader
from watchkeeper.ledger import Receipt
from watchkeeper.policy import Verdict

__all__ = ["ClaudeCodeAdapter", "DecidingPipeline", "HookReply"]

_log = logging.getLogger(__name__)

_RAW_KEEP = 4000
_MODES_KEPT = 10_000
_MALFORMED_MESSAGE = "watchkeeper could not read this tool call, so it was blocked."


class DecidingPipeline(Protocol):
    """What the adapter needs from `watchkeeper.gateway.Pipeline`."""

    def decide(self, call: ToolCall) -> Verdict: ...

    def record(self, events: Sequence[Event]) -> list[Receipt]: ...


@dataclass(frozen=True, slots=True)
class HookReply:
    """What the hook process prints (`stdout`, a JSON object, or nothing) and its exit code.

    A decided PreToolUse event also carries its `call` and `verdict` (the gateway holds an
    `ask` for a reviewer with them).
    """

    stdout: dict[str, Any] | None
    exit_code: int = 0
    call: ToolCall | None = None
    verdict: Verdict | None = None


def _permission_reply(
    decision: Decision, reason: str, call: ToolCall | None = None, verdict: Verdict | None = None
) -> HookReply:
    return HookReply(
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": decision.value,
                "permissionDecisionReason": reason,
            }
        },
        call=call,
        verdict=verdict,
    )


class ClaudeCodeAdapter:
    """Maps each Claude Code hook event to events, decides tool calls, and builds the reply.

    PreToolUse becomes a `ToolCall` decided through the pipeline; PostToolUse a
    `ToolResult` (PostToolUseFailure one with ``is_error``); UserPromptSubmit a user
    `Message`; every other event, known or future, a `Lifecycle` whose phase is the event
    name in snake case. A change of ``permission_mode`` is recorded as its own lifecycle
    event. Transcript lines become `Reasoning` and assistant `Message` events.

    `handle` never raises for a PreToolUse event: any failure is recorded when possible and
    answered with deny. For other events a ledger failure propagates (the pipeline's
    `RecordError`), so the caller reports it and the hook can retry later.
    """

    def __init__(
        self, pipeline: DecidingPipeline, *, permission_modes: dict[str, str] | None = None
    ) -> None:
        self._pipeline = pipeline
        self._reader = TranscriptReader()
        self._modes: OrderedDict[str, str] = OrderedDict(permission_modes or {})
        self._lock = threading.Lock()

    @property
    def permission_modes(self) -> dict[str, str]:
        """The last permission mode seen per ``deployment/session`` (for saving between runs)."""
        with self._lock:
            return dict(self._modes)

    def handle(
        self, payload: Mapping[str, Any], transcript_lines: Sequence[str], *, deployment_id: str
    ) -> HookReply:
        """Record one hook event (and the transcript lines since the last one); return the reply."""
        event = payload.get("hook_event_name") if isinstance(payload, Mapping) else None
        guards = not isinstance(event, str) or event == "PreToolUse"
        try:
            return self._handle(payload, transcript_lines, deployment_id)
        except (ValueError, TypeError) as exc:  # malformed input (incl. pydantic validation)
            failure: Exception = exc
        except Exception as exc:
            if not guards:
                raise
            failure = exc
        _log.warning("claude code hook event rejected: %s", failure)
        session = payload.get("session_id") if isinstance(payload, Mapping) else None
        self._record_error(
            deployment_id,
            session if isinstance(session, str) and session else "unknown",
            f"{type(failure).__name__}: {failure}",
            payload,
        )
        if guards:
            return _permission_reply(Decision.DENY, _MALFORMED_MESSAGE)
        return HookReply(None, 0)

    def _handle(
        self, payload: Mapping[str, Any], lines: Sequence[str], deployment_id: str
    ) -> HookReply:
        if not isinstance(payload, Mapping):
            raise TypeError(f"hook payload is a `{type(payload).__name__}`, not a JSON object")
        event = text_field(payload, "hook_event_name")
        session = text_field(payload, "session_id")
        if not event or not session:
            raise ValueError("hook payload has no `hook_event_name` or no `session_id`")
        context: list[Event] = self._reader.read(
            lines, session_id=session, deployment_id=deployment_id
        )
        context.extend(self._mode_change(payload, event, session, deployment_id))
        if event == "PreToolUse":
            if context:
                self._pipeline.record(context)
            call = self._tool_call(payload, session, deployment_id)
            verdict = self._pipeline.decide(call)
            reason = verdict.agent_message or f"watchkeeper: {verdict.decision.value}"
            return _permission_reply(verdict.decision, reason, call, verdict)
        context.append(self._event(payload, event, session, deployment_id))
        self._pipeline.record(context)
        return HookReply(None, 0)

    @staticmethod
    def _tool_call(payload: Mapping[str, Any], session: str, deployment_id: str) -> ToolCall:
        tool = text_field(payload, "tool_name")
        args = payload.get("tool_input", {})
        if not tool or not isinstance(args, Mapping):
            raise ValueError(
                "PreToolUse payload has no `tool_name` or its `tool_input` is not an object"
            )
        return ToolCall(
            deployment_id=deployment_id,
            session_id=session,
            tool=tool,
            args=dict(args),
            tool_use_id=text_field(payload, "tool_use_id"),
            cwd=text_field(payload, "cwd"),
            agent_id=text_field(payload, "agent_id"),
            source="claude_code",
        )

    @staticmethod
    def _event(payload: Mapping[str, Any], event: str, session: str, deployment_id: str) -> Event:
        if event in ("PostToolUse", "PostToolUseFailure"):
            failed = event == "PostToolUseFailure"
            output = payload.get("error") if failed else payload.get("tool_response")
            return ToolResult(
                deployment_id=deployment_id,
                session_id=session,
                tool=text_field(payload, "tool_name"),
                tool_use_id=text_field(payload, "tool_use_id"),
                output=tool_output(output),
                is_error=failed,
                agent_id=text_field(payload, "agent_id"),
            )
        prompt = text_field(payload, "prompt")
        if event == "UserPromptSubmit" and prompt is not None:
            return Message(
                deployment_id=deployment_id, session_id=session, role="user", text=prompt
            )
        return Lifecycle(
            deployment_id=deployment_id,
            session_id=session,
            phase=phase_name(event),
            detail=lifecycle_detail(payload, event),
        )

    def _mode_change(
        self, payload: Mapping[str, Any], event: str, session: str, deployment_id: str
    ) -> list[Event]:
        mode = text_field(payload, "permission_mode")
        if mode is None:
            return []
        key = f"{deployment_id}/{session}"
        with self._lock:
            before = self._modes.get(key)
            if before == mode:
                return []
            self._modes[key] = mode
            self._modes.move_to_end(key)
            while len(self._modes) > _MODES_KEPT:
                self._modes.popitem(last=False)
        if before is None and mode == "default":
            return []
        return [
            Lifecycle(
                deployment_id=deployment_id,
                session_id=session,
                phase="permission_mode",
                detail={"from": before, "to": mode, "event": event},
            )
        ]

    def _record_error(self, deployment_id: str, session: str, message: str, payload: Any) -> None:
        try:
            raw = json.dumps(payload, ensure_ascii=False, default=str)[:_RAW_KEEP]
        except ValueError:
            raw = repr(payload)[:_RAW_KEEP]
        try:
            self._pipeline.record(
                [
                    ErrorEvent(
                        deployment_id=deployment_id,
                        session_id=session[:200],
                        where="claude_code.hook",
                        message=message,
                        raw=raw,
                    )
                ]
            )
        except Exception:  # noqa: BLE001 - the reply is already deny; the error is logged
            _log.exception("recording a hook error failed")
