"""The `guarded` decorator: decide before the call, record after, fail closed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from watchkeeper.events import Decision, ToolCall, ToolResult
from watchkeeper.gateway import Pipeline, build_pipeline
from watchkeeper.integrations.sdk import GatewayClient, ToolCallBlockedError, guarded

POLICY = """\
version: 1
default: deny
rules:
  - id: allow-add
    decision: allow
    description: arithmetic is harmless
    match: {tool: add}
  - id: allow-fail
    decision: allow
    description: a tool that raises, for error recording
    match: {tool: explode}
  - id: ask-send-email
    decision: ask
    description: sending email needs a person
    match: {tool: send_email}
"""


@pytest.fixture
def pipeline(tmp_path: Path) -> Iterator[Pipeline]:
    """A real local pipeline with a small function-tool policy."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    with build_pipeline(tmp_path / "home", policy_path=policy) as built:
        yield built


def _results(pipeline: Pipeline) -> list[ToolResult]:
    return [e for _, e in pipeline.store.events() if isinstance(e, ToolResult)]


def test_allowed_call_runs_and_its_result_is_recorded(pipeline: Pipeline) -> None:
    """An allowed call runs, and its return value is recorded against the call's id."""

    @guarded(pipeline, session_id="sdk-1")
    def add(a: int, b: int = 2) -> int:
        return a + b

    assert add(40) == 42
    calls = [e for _, e in pipeline.store.events() if isinstance(e, ToolCall)]
    assert calls[-1].args == {"a": 40, "b": 2}
    assert calls[-1].source == "sdk"
    result = _results(pipeline)[-1]
    assert (result.output, result.tool_use_id, result.is_error) == (42, calls[-1].id, False)


def test_denied_call_does_not_run(pipeline: Pipeline) -> None:
    """A call no rule allows is denied by default and the function body never runs."""
    ran: list[str] = []

    @guarded(pipeline, session_id="sdk-2")
    def delete_everything() -> None:
        ran.append("yes")

    with pytest.raises(ToolCallBlockedError) as info:
        delete_everything()
    assert info.value.verdict.decision is Decision.DENY
    assert ran == []


def test_ask_without_approval_does_not_run(pipeline: Pipeline) -> None:
    """An `ask` verdict blocks the call and names the rule that asked."""

    @guarded(pipeline, session_id="sdk-3")
    def send_email(to: str, body: str) -> str:
        return "sent"

    with pytest.raises(ToolCallBlockedError) as info:
        send_email("a@example.com", "hi")
    assert info.value.verdict.rule_ids == ("ask-send-email",)


async def test_async_tools_are_guarded_too(pipeline: Pipeline) -> None:
    """Coroutine functions are decided and recorded like plain ones."""

    @guarded(pipeline, session_id="sdk-4", tool="add")
    async def add_async(a: int, b: int) -> int:
        return a + b

    assert await add_async(1, 2) == 3
    assert _results(pipeline)[-1].output == 3


def test_exceptions_are_recorded_and_reraised(pipeline: Pipeline) -> None:
    """A tool that raises has the error recorded, and the caller still sees the exception."""

    @guarded(pipeline, session_id="sdk-5")
    def explode() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        explode()
    result = _results(pipeline)[-1]
    assert result.is_error
    assert "boom" in str(result.output)


def test_unreachable_gateway_denies() -> None:
    """With no gateway listening, the client's verdict is deny and the function never runs."""
    client = GatewayClient("http://127.0.0.1:9", "wk_nothing", timeout=1.0)
    ran: list[str] = []

    @guarded(client, session_id="sdk-6")
    def add(a: int) -> int:
        ran.append("yes")
        return a

    with client, pytest.raises(ToolCallBlockedError) as info:
        add(1)
    assert info.value.verdict.decision is Decision.DENY
    assert "unreachable" in info.value.verdict.explanation
    assert ran == []
