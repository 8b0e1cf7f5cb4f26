"""`guarded`: ask watchkeeper before a tool function runs, record what it returned after."""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, cast

from watchkeeper.events import Decision, Event, ToolCall, ToolResult
from watchkeeper.policy import Verdict

__all__ = ["Decider", "ToolCallBlockedError", "guarded"]

F = TypeVar("F", bound=Callable[..., Any])

MAX_RECORDED_OUTPUT = 64 * 1024


class Decider(Protocol):
    """What the SDK needs: a local `gateway.Pipeline` or a remote `GatewayClient`."""

    def decide(self, call: ToolCall) -> Verdict: ...

    def record(self, events: Sequence[Event]) -> Any: ...


class ToolCallBlockedError(PermissionError):
    """The tool call was denied, or needs a human's approval that was not given."""

    def __init__(self, tool: str, verdict: Verdict) -> None:
        super().__init__(verdict.agent_message or f"call to `{tool}` was not allowed")
        self.tool = tool
        self.verdict = verdict


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def _output(value: Any) -> Any:
    value = _json_safe(value)
    text = json.dumps(value)
    if len(text) > MAX_RECORDED_OUTPUT:
        return {"truncated": True, "size": len(text), "head": text[:MAX_RECORDED_OUTPUT]}
    return value


def guarded(
    decider: Decider,
    *,
    session_id: str,
    tool: str | None = None,
    cwd: str | None = None,
) -> Callable[[F], F]:
    """Decorate a tool function (sync or async) so every call is decided first and recorded.

    A deny or an unapproved ask raises `ToolCallBlockedError` without running the function;
    the function's return value or exception is recorded as a `tool_result`.
    """

    def decorate(fn: F) -> F:
        name = tool or fn.__name__
        signature = inspect.signature(fn)

        def before(args: tuple[Any, ...], kwargs: dict[str, Any]) -> ToolCall:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            call = ToolCall(
                session_id=session_id,
                tool=name,
                args={k: _json_safe(v) for k, v in bound.arguments.items()},
                cwd=cwd,
                source="sdk",
            )
            verdict = decider.decide(call)
            if verdict.decision is not Decision.ALLOW:
                raise ToolCallBlockedError(name, verdict)
            return call

        def after(call: ToolCall, output: Any, *, is_error: bool) -> None:
            result = ToolResult(
                session_id=session_id,
                tool=name,
                tool_use_id=call.id,
                output=_output(output),
                is_error=is_error,
            )
            decider.record([result])

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                call = await asyncio.to_thread(before, args, kwargs)
                try:
                    value = await fn(*args, **kwargs)
                except Exception as exc:
                    await asyncio.to_thread(after, call, repr(exc), is_error=True)
                    raise
                await asyncio.to_thread(after, call, value, is_error=False)
                return value

            return cast("F", run_async)

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            call = before(args, kwargs)
            try:
                value = fn(*args, **kwargs)
            except Exception as exc:
                after(call, repr(exc), is_error=True)
                raise
            after(call, value, is_error=False)
            return value

        return cast("F", run)

    return decorate
