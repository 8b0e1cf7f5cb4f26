"""Replay's events built without re-validation equal the validated events."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from watchkeeper.clock import utcnow
from watchkeeper.evals import _events
from watchkeeper.events import EventBase, Message, Reasoning, ToolCall, ToolResult

TS = utcnow()


def _same(built: BaseModel, validated: BaseModel) -> None:
    assert type(built) is type(validated)
    assert built == validated
    assert list(built.model_dump()) == list(validated.model_dump())
    assert built.model_fields_set == validated.model_fields_set
    assert built.model_dump_json() == validated.model_dump_json()


def test_tool_call_equals_the_validated_event() -> None:
    """A built `ToolCall` equals the validated one, field for field, with the same fields set."""
    args: dict[str, Any] = {"command": "ls -la", "nested": {"n": [1, 2.5, None]}}
    built = _events.tool_call("t#1", TS, "t", "Bash", args)
    _same(built, ToolCall(id="t#1", ts=TS, session_id="t", tool="Bash", args=args))


def test_tool_result_equals_the_validated_event() -> None:
    """A built `ToolResult` equals the validated one."""
    output = {"rows": ["a", "b"], "ok": True}
    built = _events.tool_result("t#2", TS, "t", "query", output)
    _same(built, ToolResult(id="t#2", ts=TS, session_id="t", tool="query", output=output))


def test_reasoning_equals_the_validated_event() -> None:
    """A built `Reasoning` equals the validated one."""
    built = _events.reasoning("t#0", TS, "t", "First list the files.")
    _same(built, Reasoning(id="t#0", ts=TS, session_id="t", text="First list the files."))


@pytest.mark.parametrize("role", ["user", "assistant"])
def test_message_equals_the_validated_event(role: Any) -> None:
    """A built `Message` equals the validated one."""
    built = _events.message("t#9", TS, "t", role, "Done.")
    _same(built, Message(id="t#9", ts=TS, session_id="t", role=role, text="Done."))


def test_built_event_stays_frozen() -> None:
    """A built event cannot be changed, like a validated one."""
    built = _events.reasoning("t#0", TS, "t", "x")
    with pytest.raises(ValueError, match="frozen"):
        built.text = "y"  # type: ignore[misc] # the assignment under test is refused


def test_template_refuses_a_field_left_without_a_default() -> None:
    """An event model whose required field replay does not pass cannot be built half-filled."""

    class Extended(EventBase):
        kind: str = "extended"
        needed: str

    with pytest.raises(TypeError, match=r"Extended\.needed"):
        _events._template(Extended, frozenset({"id", "ts", "session_id"}))
