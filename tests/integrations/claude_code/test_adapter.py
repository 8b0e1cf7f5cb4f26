"""The adapter over a real pipeline (policy pack, SQLite ledger) on a temporary home."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.events import (
    ErrorEvent,
    Event,
    Lifecycle,
    Message,
    Reasoning,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.gateway import Pipeline, build_pipeline
from watchkeeper.integrations.claude_code import OUTPUT_CAP_BYTES, ClaudeCodeAdapter, HookReply

from .conftest import TRANSCRIPTS, sample_payloads


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[Pipeline]:
    with build_pipeline(tmp_path / "home") as p:
        yield p


def _events(pipeline: Pipeline) -> list[Event]:
    return [event for _seq, event in pipeline.store.events()]


def _payload(event: str, **fields: Any) -> dict[str, Any]:
    return {
        "session_id": "sess-1",
        "transcript_path": "/nonexistent/t.jsonl",
        "cwd": "/tmp/project",
        "permission_mode": "default",
        "hook_event_name": event,
        **fields,
    }


def _decision(reply: HookReply) -> str:
    assert reply.stdout is not None
    return str(reply.stdout["hookSpecificOutput"]["permissionDecision"])


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_pre_tool_use_is_decided_and_recorded(pipeline: Pipeline) -> None:
    """PreToolUse becomes a claude_code ToolCall whose verdict is the hook's permission decision."""
    reply = ClaudeCodeAdapter(pipeline).handle(
        _payload(
            "PreToolUse",
            tool_name="Bash",
            tool_input={"command": "cat ~/.ssh/id_rsa"},
            tool_use_id="toolu_1",
            agent_id="a1",
        ),
        [],
        deployment_id="dep",
    )
    assert _decision(reply) == "deny"
    assert reply.exit_code == 0
    assert reply.stdout is not None
    assert reply.stdout["hookSpecificOutput"]["hookEventName"] == "PreToolUse"
    assert reply.stdout["hookSpecificOutput"]["permissionDecisionReason"]
    call, verdict = _events(pipeline)
    assert isinstance(call, ToolCall)
    assert isinstance(verdict, VerdictEvent)
    assert (call.source, call.tool, call.tool_use_id, call.agent_id, call.cwd) == (
        "claude_code",
        "Bash",
        "toolu_1",
        "a1",
        "/tmp/project",
    )
    assert call.deployment_id == "dep"
    assert call.session_id == "sess-1"
    assert verdict.call_id == call.id
    assert verdict.decision == "deny"


def test_ordinary_read_is_allowed(pipeline: Pipeline) -> None:
    """A plain read inside the project is allowed by the built-in pack."""
    reply = ClaudeCodeAdapter(pipeline).handle(
        _payload("PreToolUse", tool_name="Read", tool_input={"file_path": "/tmp/project/a.py"}),
        [],
        deployment_id="dep",
    )
    assert _decision(reply) == "allow"


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_post_tool_use_records_the_output(pipeline: Pipeline) -> None:
    """PostToolUse becomes a ToolResult carrying tool_response as its output."""
    payload = sample_payloads("post_tool_use.json")[0]
    reply = ClaudeCodeAdapter(pipeline).handle(payload, [], deployment_id="dep")
    assert reply == HookReply(None, 0)
    results = [e for e in _events(pipeline) if isinstance(e, ToolResult)]
    assert len(results) == 1
    assert results[0].tool == payload["tool_name"]
    assert results[0].tool_use_id == payload.get("tool_use_id")


def test_large_output_is_capped_with_size_and_hash(pipeline: Pipeline) -> None:
    """An output over the cap is stored as its size, SHA-256 and a preview."""
    big = {"stdout": "x" * (OUTPUT_CAP_BYTES * 2), "stderr": ""}
    ClaudeCodeAdapter(pipeline).handle(
        _payload("PostToolUse", tool_name="Bash", tool_input={}, tool_response=big),
        [],
        deployment_id="dep",
    )
    (result,) = [e for e in _events(pipeline) if isinstance(e, ToolResult)]
    text = json.dumps(big, ensure_ascii=False, separators=(",", ":"))
    assert result.output["watchkeeper_truncated"] is True
    assert result.output["original_bytes"] == len(text.encode())
    assert result.output["sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert len(result.output["preview"]) < OUTPUT_CAP_BYTES


def test_user_prompt_becomes_user_message(pipeline: Pipeline) -> None:
    """UserPromptSubmit records the prompt as a user Message."""
    ClaudeCodeAdapter(pipeline).handle(
        _payload("UserPromptSubmit", prompt="fix the tests"), [], deployment_id="dep"
    )
    (message,) = _events(pipeline)
    assert isinstance(message, Message)
    assert (message.role, message.text) == ("user", "fix the tests")


@pytest.mark.parametrize(
    ("event", "fields", "phase"),
    [
        ("SessionStart", {"source": "startup"}, "session_start"),
        ("Stop", {"stop_hook_active": False, "last_assistant_message": "done"}, "stop"),
        ("SubagentStop", {"agent_id": "a", "agent_type": "builder"}, "subagent_stop"),
        ("SessionEnd", {"reason": "other"}, "session_end"),
        ("Notification", {"message": "Claude needs your permission"}, "notification"),
        ("PreCompact", {"trigger": "auto", "custom_instructions": ""}, "pre_compact"),
        ("SomeFutureEvent", {"new_field": [1, 2]}, "some_future_event"),
    ],
)
def test_other_events_are_lifecycle(
    pipeline: Pipeline, event: str, fields: dict[str, Any], phase: str
) -> None:
    """Every other event, including unknown future ones, is a Lifecycle keeping its fields."""
    reply = ClaudeCodeAdapter(pipeline).handle(_payload(event, **fields), [], deployment_id="d")
    assert reply == HookReply(None, 0)
    (lifecycle,) = _events(pipeline)
    assert isinstance(lifecycle, Lifecycle)
    assert lifecycle.phase == phase
    assert lifecycle.detail["event"] == event
    assert lifecycle.detail["permission_mode"] == "default"
    for key, value in fields.items():
        assert lifecycle.detail[key] == value


def test_permission_mode_change_is_recorded(pipeline: Pipeline) -> None:
    """Switching to bypassPermissions mid-session is recorded as its own lifecycle event."""
    adapter = ClaudeCodeAdapter(pipeline)
    adapter.handle(_payload("UserPromptSubmit", prompt="a"), [], deployment_id="d")
    adapter.handle(
        _payload("UserPromptSubmit", prompt="b", permission_mode="bypassPermissions"),
        [],
        deployment_id="d",
    )
    changes = [e for e in _events(pipeline) if isinstance(e, Lifecycle)]
    assert [c.detail for c in changes] == [
        {"from": "default", "to": "bypassPermissions", "event": "UserPromptSubmit"}
    ]


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_transcript_lines_are_recorded_before_the_call(pipeline: Pipeline) -> None:
    """Reasoning from the transcript is recorded ahead of the tool call it led to."""
    lines = (TRANSCRIPTS / "spotter" / "short.jsonl").read_text().splitlines()
    ClaudeCodeAdapter(pipeline).handle(
        _payload("PreToolUse", tool_name="Bash", tool_input={"command": "ls"}),
        lines,
        deployment_id="d",
    )
    kinds = [type(e).__name__ for e in _events(pipeline)]
    assert "Reasoning" in kinds
    assert kinds.index("Reasoning") < kinds.index("ToolCall")


@pytest.mark.parametrize(
    "payload",
    [
        {"hook_event_name": "PreToolUse", "tool_name": "Bash"},
        {"session_id": "s", "hook_event_name": "PreToolUse", "tool_input": {"command": "ls"}},
        {
            "session_id": "s",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": "ls",
        },
        {"session_id": "s", "hook_event_name": "PreToolUse", "tool_name": "x" * 600},
        {"session_id": "s", "tool_name": "Bash", "tool_input": {}},
        {"watchkeeper_unparsed_stdin": "{oops"},
    ],
)
def test_malformed_pre_tool_use_is_denied_and_kept(
    pipeline: Pipeline, payload: dict[str, Any]
) -> None:
    """A payload the adapter cannot read is recorded as an ErrorEvent and denied."""
    reply = ClaudeCodeAdapter(pipeline).handle(payload, [], deployment_id="d")
    assert _decision(reply) == "deny"
    errors = [e for e in _events(pipeline) if isinstance(e, ErrorEvent)]
    assert len(errors) == 1
    assert errors[0].raw


def test_malformed_other_event_is_kept_without_reply(pipeline: Pipeline) -> None:
    """A broken non-tool event is recorded as an ErrorEvent and gets no output."""
    reply = ClaudeCodeAdapter(pipeline).handle({"hook_event_name": "Stop"}, [], deployment_id="d")
    assert reply == HookReply(None, 0)
    assert [type(e) for e in _events(pipeline)] == [ErrorEvent]


def test_reasoning_is_not_duplicated_across_calls(pipeline: Pipeline) -> None:
    """The same transcript lines sent with two events are recorded once."""
    lines = (TRANSCRIPTS / "spotter" / "short.jsonl").read_text().splitlines()
    adapter = ClaudeCodeAdapter(pipeline)
    adapter.handle(_payload("Stop"), lines, deployment_id="d")
    adapter.handle(_payload("Stop"), lines, deployment_id="d")
    assert len([e for e in _events(pipeline) if isinstance(e, Reasoning)]) == 1
