"""Replay's events, built from a validated trajectory without validating each field again.

Replay makes two or three events per trajectory step, and pydantic validation was about 60%
of that cost (`model_construct` is slower still: it handles aliases and defaults in Python).
Every value given here already holds what the event model checks: tool names and texts come
from a validated `Trajectory` (a tool name has the same 1 to 500 character bound), arguments
are a dict made by replay, and replay makes the ids (at most 128 characters), session ids
(at most 200) and the timezone-aware timestamp. An event built here equals the validated
one field for field, with the same fields set; only the arguments dict is shared, not
copied.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from watchkeeper.events import Message, Reasoning, ToolCall, ToolResult

__all__ = ["message", "reasoning", "tool_call", "tool_result"]

_M = TypeVar("_M", bound=BaseModel)
_set = object.__setattr__


def _template(model: type[BaseModel], given: frozenset[str]) -> dict[str, Any]:
    """Return `model`'s field defaults in field order, the `given` fields left to fill.

    Raises `TypeError` (at import) when a field outside `given` has no plain default, so an
    event model that gains a required field cannot be built half-filled.
    """
    template: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in given and (info.default is PydanticUndefined or info.default_factory):
            msg = f"event field `{model.__name__}.{name}` has no plain default; pass it in replay"
            raise TypeError(msg)
        template[name] = None if name in given else info.default
    return template


_BASE = frozenset({"id", "ts", "session_id"})
_CALL = _BASE | {"tool", "args"}
_RESULT = _BASE | {"tool", "output"}
_REASONING = _BASE | {"text"}
_MESSAGE = _BASE | {"role", "text"}
_CALL_TEMPLATE = _template(ToolCall, _CALL)
_RESULT_TEMPLATE = _template(ToolResult, _RESULT)
_REASONING_TEMPLATE = _template(Reasoning, _REASONING)
_MESSAGE_TEMPLATE = _template(Message, _MESSAGE)


def _built(model: type[_M], template: dict[str, Any], given: frozenset[str], **values: Any) -> _M:
    fields = template.copy()
    fields.update(values)
    event = model.__new__(model)
    _set(event, "__dict__", fields)
    _set(event, "__pydantic_fields_set__", set(given))
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event


def tool_call(
    event_id: str, ts: datetime, session_id: str, tool: str, args: dict[str, Any]
) -> ToolCall:
    """Return the `ToolCall` event with these fields (`event_id` is its `id`)."""
    return _built(
        ToolCall,
        _CALL_TEMPLATE,
        _CALL,
        id=event_id,
        ts=ts,
        session_id=session_id,
        tool=tool,
        args=args,
    )


def tool_result(event_id: str, ts: datetime, session_id: str, tool: str, output: Any) -> ToolResult:
    """Return the `ToolResult` event with these fields (`event_id` is its `id`)."""
    return _built(
        ToolResult,
        _RESULT_TEMPLATE,
        _RESULT,
        id=event_id,
        ts=ts,
        session_id=session_id,
        tool=tool,
        output=output,
    )


def reasoning(event_id: str, ts: datetime, session_id: str, text: str) -> Reasoning:
    """Return the `Reasoning` event with these fields (`event_id` is its `id`)."""
    return _built(
        Reasoning,
        _REASONING_TEMPLATE,
        _REASONING,
        id=event_id,
        ts=ts,
        session_id=session_id,
        text=text,
    )


def message(
    event_id: str,
    ts: datetime,
    session_id: str,
    role: Literal["user", "assistant"],
    text: str,
) -> Message:
    """Return the `Message` event with these fields (`event_id` is its `id`)."""
    return _built(
        Message,
        _MESSAGE_TEMPLATE,
        _MESSAGE,
        id=event_id,
        ts=ts,
        session_id=session_id,
        role=role,
        text=text,
    )
