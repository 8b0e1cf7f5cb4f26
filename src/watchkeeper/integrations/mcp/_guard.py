"""What the MCP gateway does with each message, whatever the transport.

The transport hands every message to the guard; the guard answers "forward it" or "answer
the client with this instead". A `tools/call` is decided before it reaches the server
(deny and ask become a tool error the client can show; an ask a gateway holds for a
reviewer waits for the review, bounded by the decider's wait); its result is recorded
when the server answers. A `tools/list` answer is compared with the pinned definitions: a
changed tool raises an alert and, with `on_change="block"`, every later call to it is denied
until a person accepts the new definition (`watchkeeper mcp pins accept`). A call the
client cancels while a gateway holds it for a reviewer is withdrawn from the reviewers'
queue, so nobody approves a call that will never run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from watchkeeper.alerts import dedupe_key
from watchkeeper.events import (
    AlertEvent,
    Decision,
    ErrorEvent,
    Event,
    Lifecycle,
    Severity,
    ToolCall,
    ToolResult,
    VerdictEvent,
    new_id,
)
from watchkeeper.integrations._decider import Decider, Withdrawing
from watchkeeper.integrations.mcp._messages import (
    INTERNAL_ERROR,
    PARSE_ERROR,
    Message,
    error_reply,
    tool_error_result,
)
from watchkeeper.integrations.mcp._pins import PinChange, PinStore
from watchkeeper.policy import Verdict

__all__ = ["GuardSettings", "McpGuard", "mcp_tool_name"]

_log = logging.getLogger(__name__)
_RAW_KEPT = 4096
_OUTPUT_KEPT = 65536


def mcp_tool_name(server: str, tool: str) -> str:
    """Return the name the policy sees for `tool` of `server`: ``mcp__<server>__<tool>``."""
    return f"mcp__{server}__{tool}"


@dataclass(frozen=True, slots=True)
class GuardSettings:
    """One proxied server: its name for the policy, who runs it, and what a rug pull does."""

    server: str
    session_id: str
    deployment_id: str = "local"
    on_change: Literal["block", "alert"] = "block"


@dataclass(slots=True)
class _Pending:
    method: str
    call: ToolCall | None = None


@dataclass(slots=True)
class _State:
    pending: dict[Any, _Pending] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)
    deciding: dict[Any, ToolCall] = field(default_factory=dict)


class McpGuard:
    """Decide, record and pin for one proxied MCP server; safe to call from several threads."""

    def __init__(
        self,
        settings: GuardSettings,
        decider: Decider,
        pins: PinStore,
        *,
        on_alert: Callable[[AlertEvent], None] | None = None,
    ) -> None:
        self._settings = settings
        self._decider = decider
        self._pins = pins
        self._on_alert = on_alert
        self._state = _State()
        self._lock = threading.Lock()

    def from_client(
        self, message: Message, cancelled: threading.Event | None = None
    ) -> dict[str, Any] | None:
        """Handle a client message; return a reply for the client, or None to forward it.

        A `tools/call` whose `cancelled` is set by the time its verdict arrives is never
        forwarded, whatever the verdict (a held ask can take a reviewer minutes).
        """
        if message.kind != "request":
            return None
        if message.method != "tools/call":
            with self._lock:
                self._state.pending[message.id] = _Pending(message.method)
            return None
        name = message.params.get("name")
        arguments = message.params.get("arguments") or {}
        if not isinstance(name, str) or not name or not isinstance(arguments, dict):
            self._error("client", "tools/call without a tool name or with non-object arguments")
            return error_reply(message.id, -32602, "tools/call needs a name and object arguments")
        call = ToolCall(
            session_id=self._settings.session_id,
            deployment_id=self._settings.deployment_id,
            tool=mcp_tool_name(self._settings.server, name),
            args=arguments,
            tool_use_id=new_id(),
            source="mcp",
        )
        with self._lock:
            self._state.deciding[message.id] = call
        try:
            verdict = self._verdict(call, name)
        finally:
            with self._lock:
                if self._state.deciding.get(message.id) is call:
                    del self._state.deciding[message.id]
        with self._lock:
            dropped = cancelled is not None and cancelled.is_set()
            if verdict.decision is Decision.ALLOW and not dropped:
                self._state.pending[message.id] = _Pending("tools/call", call)
                return None
        if dropped:
            self._record(_not_run(call, "the MCP client cancelled the call before its verdict"))
            return tool_error_result(message.id, "watchkeeper: the call was cancelled.")
        return tool_error_result(message.id, _refusal(verdict))

    def cancelled(self, request_id: Any, reason: str) -> None:
        """Record that the client cancelled `tools/call` `request_id` while it was decided.

        If a gateway holds the call for a reviewer, its approval is withdrawn there.
        """
        with self._lock:
            call = self._state.deciding.pop(request_id, None)
        detail: dict[str, Any] = {"request_id": request_id, "reason": reason}
        if call is not None:
            detail["tool_use_id"] = call.tool_use_id
            detail["withdrawn"] = self._withdraw(call, reason)
        self._lifecycle("call_cancelled", detail)

    def _withdraw(self, call: ToolCall, reason: str) -> bool:
        """Withdraw `call`'s held approval, if the decider holds asks; True if one was."""
        if not isinstance(self._decider, Withdrawing):
            return False
        why = "the MCP client cancelled the call" + (f": {reason}" if reason else "")
        try:
            return self._decider.withdraw(call, why)
        except Exception as exc:  # noqa: BLE001 - the approval times out instead; say so
            self._error("client", f"withdrawing the approval of cancelled call failed: {exc}")
            return False

    def forget(self, request_id: Any, why: str) -> dict[str, Any] | None:
        """Drop allowed request `request_id` that will not be forwarded; its error reply.

        None when the request is not pending (e.g. `server_gone` already answered it).
        """
        with self._lock:
            request = self._state.pending.pop(request_id, None)
        if request is None:
            return None
        if request.call is not None:
            self._record(_not_run(request.call, why))
        return error_reply(request_id, INTERNAL_ERROR, f"watchkeeper MCP gateway: {why}")

    def from_server(self, message: Message) -> None:
        """Handle a server message on its way to the client (recording, pinning)."""
        if message.kind != "response":
            return
        with self._lock:
            pending = self._state.pending.pop(message.id, None)
        if pending is None:
            return
        if pending.method == "tools/list" and message.result is not None:
            self._check_pins(message.result.get("tools"))
        elif pending.call is not None:
            self._record_result(pending.call, message)

    def unanswered(self) -> int:
        """Return how many forwarded requests the server has not answered yet."""
        with self._lock:
            return len(self._state.pending)

    def client_garbage(self, raw: bytes, error: str) -> dict[str, Any]:
        """Record unparseable client input and return the JSON-RPC error the client gets."""
        self._error("client", error, raw)
        return error_reply(None, PARSE_ERROR, f"watchkeeper MCP gateway: {error}")

    def server_garbage(self, raw: bytes, error: str) -> None:
        """Record unparseable server output (it is not forwarded: the client could not use it)."""
        self._error("server", error, raw)

    def server_gone(self, reason: str) -> list[dict[str, Any]]:
        """The server exited: record it; return an error reply for every unanswered request."""
        with self._lock:
            pending, self._state.pending = self._state.pending, {}
        for request in pending.values():
            if request.call is not None:
                self._record(
                    ToolResult(
                        session_id=request.call.session_id,
                        deployment_id=request.call.deployment_id,
                        tool=request.call.tool,
                        tool_use_id=request.call.tool_use_id,
                        output=f"MCP server `{self._settings.server}` exited: {reason}",
                        is_error=True,
                    )
                )
        self._lifecycle("server_exit", {"reason": reason, "unanswered": len(pending)})
        message = f"MCP server `{self._settings.server}` is not running ({reason})"
        return [error_reply(request_id, INTERNAL_ERROR, message) for request_id in pending]

    def started(self, command: list[str]) -> None:
        """Record that the proxy started the server with `command`."""
        self._lifecycle("server_start", {"command": command})

    def _verdict(self, call: ToolCall, name: str) -> Verdict:
        with self._lock:
            blocked = name in self._state.blocked
        if not blocked:
            return self._decider.decide(call)
        verdict = Verdict(
            decision=Decision.DENY,
            rule_ids=("mcp-tool-changed",),
            explanation=(
                f"tool `{name}` of MCP server `{self._settings.server}` changed its definition "
                "since it was pinned; calls are blocked until a person accepts the change"
            ),
            agent_message="Blocked by watchkeeper: this tool is awaiting review.",
        )
        self._record(call, _verdict_event(call, verdict))
        return verdict

    def _check_pins(self, tools: object) -> None:
        if not isinstance(tools, list):
            self._error("server", "tools/list result without a `tools` array")
            return
        listed = [t for t in tools if isinstance(t, dict)]
        changes = self._pins.check(self._settings.server, listed)
        self._lifecycle(
            "tools_list",
            {"tools": [{"name": c.tool, "sha256": c.sha256, "pin": c.status} for c in changes]},
        )
        changed = [c for c in changes if c.status == "changed"]
        if self._settings.on_change == "block":
            with self._lock:
                self._state.blocked = {c.tool for c in changed}
        for change in changed:
            self._alert(change)

    def _alert(self, change: PinChange) -> None:
        settings = self._settings
        event = AlertEvent(
            session_id=settings.session_id,
            deployment_id=settings.deployment_id,
            monitor="mcp-pins",
            category="mcp-tool-changed",
            severity=Severity.HIGH,
            score=1.0,
            explanation=(
                f"MCP server `{settings.server}` changed the definition of tool `{change.tool}` "
                f"(pinned {change.pinned_sha256}, now {change.sha256}); "
                + ("calls to it are blocked" if settings.on_change == "block" else "not blocked")
            ),
            dedupe_key=dedupe_key(settings.deployment_id, settings.session_id, "mcp-tool-changed"),
        )
        self._record(event)
        if self._on_alert is not None:
            self._on_alert(event)

    def _record_result(self, call: ToolCall, message: Message) -> None:
        result = message.result
        if result is None:
            error = message.body.get("error")
            output, is_error = f"JSON-RPC error: {error!r}"[:_OUTPUT_KEPT], True
        else:
            output = _result_text(result)
            is_error = bool(result.get("isError", False))
        self._record(
            ToolResult(
                session_id=call.session_id,
                deployment_id=call.deployment_id,
                tool=call.tool,
                tool_use_id=call.tool_use_id,
                output=output,
                is_error=is_error,
            )
        )

    def _error(self, side: str, message: str, raw: bytes | None = None) -> None:
        text = None if raw is None else raw[:_RAW_KEPT].decode("utf-8", "replace")
        self._record(
            ErrorEvent(
                session_id=self._settings.session_id,
                deployment_id=self._settings.deployment_id,
                where=f"mcp:{self._settings.server}:{side}",
                message=message,
                raw=text,
            )
        )

    def _lifecycle(self, phase: str, detail: dict[str, Any]) -> None:
        self._record(
            Lifecycle(
                session_id=self._settings.session_id,
                deployment_id=self._settings.deployment_id,
                phase=f"mcp_{phase}",
                detail={"server": self._settings.server, **detail},
            )
        )

    def _record(self, *events: Event) -> None:
        try:
            self._decider.record(events)
        except Exception as exc:  # noqa: BLE001 - keep proxying; say it where a person sees it
            _log.error("watchkeeper MCP gateway could not record %d event(s): %s", len(events), exc)


def _refusal(verdict: Verdict) -> str:
    if verdict.decision is Decision.ASK:
        return (
            verdict.agent_message
            or "watchkeeper: this call needs a reviewer's approval and was not run."
        )
    return verdict.agent_message or "Blocked by watchkeeper policy."


def _not_run(call: ToolCall, why: str) -> ToolResult:
    return ToolResult(
        session_id=call.session_id,
        deployment_id=call.deployment_id,
        tool=call.tool,
        tool_use_id=call.tool_use_id,
        output=f"not run: {why}",
        is_error=True,
    )


def _result_text(result: dict[str, Any]) -> str:
    parts: list[str] = []
    for block in result.get("content") or ():
        if isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        elif isinstance(block, dict):
            parts.append(f"[{block.get('type', 'content')}]")
    if not parts and "structuredContent" in result:
        parts.append(repr(result["structuredContent"]))
    return "\n".join(parts)[:_OUTPUT_KEPT]


def _verdict_event(call: ToolCall, verdict: Verdict) -> Event:
    return VerdictEvent(
        session_id=call.session_id,
        deployment_id=call.deployment_id,
        call_id=call.id,
        decision=verdict.decision,
        rule_ids=verdict.rule_ids,
        explanation=verdict.explanation,
        agent_message=verdict.agent_message,
    )
