"""The streamable-HTTP MCP gateway while a real gateway holds a call for a reviewer."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anyio
from mcp.client import ClientSession
from mcp.types import CallToolResult

from tests.integrations.mcp.conftest import (
    SERVER,
    WATCHKEEPER,
    Held,
    cancelling_client,
    events_until,
    executed,
    first_pending,
    is_not_run,
    is_withdrawn,
    result_text,
)
from tests.integrations.mcp.test_http import _free_ports, _running, with_http_client
from watchkeeper.events import Decision, ToolResult


@contextmanager
def _proxied(held: Held, tmp_path: Path) -> Iterator[str]:
    """The demo server on HTTP behind `watchkeeper mcp http --url <held gateway>`."""
    upstream, listen = _free_ports(2)
    env = {"DEMO_CALL_LOG": str(tmp_path / "calls.log"), "DEMO_HTTP_PORT": str(upstream)}
    proxy_home = tmp_path / "proxy-home"
    proxy_home.mkdir()
    proxy = [
        *(str(WATCHKEEPER), "mcp", "http", "--name", "demo", "--url", held.url),
        *("--upstream", f"http://127.0.0.1:{upstream}/mcp", "--listen", f"127.0.0.1:{listen}"),
        *("--home", str(proxy_home)),
    ]
    with (
        _running([sys.executable, str(SERVER)], upstream, env),
        _running(proxy, listen, {"WATCHKEEPER_TOKEN": held.token}),
    ):
        yield f"http://127.0.0.1:{listen}/mcp"


def test_other_requests_pass_while_a_call_is_held(held: Held, tmp_path: Path) -> None:
    """While send_email waits for review, echo and a ping complete; approval then runs it."""
    seen: list[str] = []

    async def body(session: ClientSession) -> str:
        results: list[CallToolResult] = []

        async def send() -> None:
            results.append(await session.call_tool("send_email", {"to": "a@x.org", "body": "b"}))

        async with anyio.create_task_group() as group:
            group.start_soon(send)
            pending = await first_pending(held.queue)
            seen.append(result_text(await session.call_tool("echo", {"text": "meanwhile"})))
            await session.send_ping()
            seen.append("pong")
            assert results == []  # still held
            held.queue.resolve(pending.id, Decision.ALLOW, reviewer="rita")
        return result_text(results[0])

    with _proxied(held, tmp_path) as url:
        assert with_http_client(url, body) == "sent to a@x.org"
    assert seen == ["meanwhile", "pong"]
    assert executed(tmp_path) == ["echo meanwhile", "send_email a@x.org"]


def test_cancelling_a_held_call_withdraws_its_approval(held: Held, tmp_path: Path) -> None:
    """The client abandons a held call: withdrawn from review, recorded, and never run."""

    body = cancelling_client(held)
    with _proxied(held, tmp_path) as url:
        assert with_http_client(url, body) == "after"
    assert executed(tmp_path) == ["echo after"]
    [not_run] = [e for e in events_until(held.home, is_not_run) if is_not_run(e)]
    assert isinstance(not_run, ToolResult)
    assert "cancelled" in not_run.output
    withdrawn = [e for e in events_until(held.home, is_withdrawn) if is_withdrawn(e)]
    assert len(withdrawn) == 1
