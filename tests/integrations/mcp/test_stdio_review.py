"""The stdio MCP gateway while a real gateway holds a call for a reviewer."""

from __future__ import annotations

from pathlib import Path

import anyio
from mcp.client import ClientSession
from mcp.types import CallToolResult

from tests.integrations.mcp.conftest import (
    Held,
    cancelling_client,
    events_until,
    executed,
    first_pending,
    is_cancelled,
    is_not_run,
    is_withdrawn,
    proxy_command,
    result_text,
    with_client,
)
from watchkeeper.events import (
    Decision,
    Event,
    Lifecycle,
    ReviewEvent,
    ToolResult,
    VerdictEvent,
)


def _command(held: Held, tmp_path: Path) -> list[str]:
    proxy_home = tmp_path / "proxy-home"
    proxy_home.mkdir(exist_ok=True)
    return proxy_command(proxy_home, "--url", held.url)


def _env(held: Held, tmp_path: Path) -> dict[str, str]:
    return {"DEMO_CALL_LOG": str(tmp_path / "calls.log"), "WATCHKEEPER_TOKEN": held.token}


def _approved(event: Event) -> bool:
    return isinstance(event, VerdictEvent) and event.rule_ids[:1] == ("review:approve",)


def test_other_messages_pass_while_a_call_is_held(held: Held, tmp_path: Path) -> None:
    """While send_email waits for review, echo and a ping complete; approval then runs it."""
    seen: list[str] = []

    async def body(session: ClientSession) -> str:
        results: list[CallToolResult] = []

        async def send() -> None:
            results.append(await session.call_tool("send_email", {"to": "a@x.org", "body": "b"}))

        async with anyio.create_task_group() as group:
            group.start_soon(send)
            pending = await first_pending(held.queue)
            echoed = await session.call_tool("echo", {"text": "meanwhile"})
            seen.append(result_text(echoed))
            await session.send_ping()
            seen.append("pong")
            assert results == []  # still held
            held.queue.resolve(pending.id, Decision.ALLOW, reviewer="rita")
        assert not results[0].is_error
        return result_text(results[0])

    assert with_client(_command(held, tmp_path), _env(held, tmp_path), body) == "sent to a@x.org"
    assert seen == ["meanwhile", "pong"]
    assert executed(tmp_path) == ["echo meanwhile", "send_email a@x.org"]
    events = events_until(held.home, _approved)
    decided = [(v.decision, v.rule_ids[:1]) for v in events if isinstance(v, VerdictEvent)]
    assert ("ask", ("ask-email",)) in decided
    assert ("allow", ("review:approve",)) in decided


def test_a_denied_review_is_a_tool_error_and_never_runs(held: Held, tmp_path: Path) -> None:
    """The reviewer denies the held call: the client gets a tool error; the server never sees it."""

    async def body(session: ClientSession) -> CallToolResult:
        results: list[CallToolResult] = []

        async def send() -> None:
            results.append(await session.call_tool("send_email", {"to": "a@x.org", "body": "b"}))

        async with anyio.create_task_group() as group:
            group.start_soon(send)
            pending = await first_pending(held.queue)
            held.queue.resolve(pending.id, Decision.DENY, reviewer="rita")
        return results[0]

    result = with_client(_command(held, tmp_path), _env(held, tmp_path), body)
    assert result.is_error
    assert executed(tmp_path) == []


def test_cancelling_a_held_call_withdraws_its_approval(held: Held, tmp_path: Path) -> None:
    """The client cancels a held call: it is withdrawn from review, recorded, and never runs."""

    body = cancelling_client(held)
    assert with_client(_command(held, tmp_path), _env(held, tmp_path), body) == "after"
    assert executed(tmp_path) == ["echo after"]
    events = events_until(held.home, is_not_run)
    [cancelled] = [e for e in events if is_cancelled(e)]
    assert isinstance(cancelled, Lifecycle)
    assert cancelled.detail["server"] == "demo"
    assert cancelled.detail["withdrawn"] is True
    [withdrawn] = [e for e in events_until(held.home, is_withdrawn) if is_withdrawn(e)]
    assert isinstance(withdrawn, ReviewEvent)
    assert withdrawn.reviewer == "system"
    assert withdrawn.reason.startswith("the MCP client cancelled the call")
    [not_run] = [e for e in events if is_not_run(e)]
    assert isinstance(not_run, ToolResult)
    assert not_run.is_error
    assert "cancelled" in not_run.output
