"""The streamable-HTTP MCP gateway between a real SDK client and a real SDK HTTP server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import anyio
import httpx
import pytest
from mcp.client import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from tests.integrations.mcp.conftest import SERVER, WATCHKEEPER, ledger_events
from watchkeeper.events import AlertEvent, ErrorEvent, ToolCall, ToolResult, VerdictEvent

T = TypeVar("T")


def _free_ports(count: int) -> list[int]:
    """`count` distinct free ports: all are bound at once, so the kernel cannot hand out one
    twice (two single draws can collide, and then the proxy's port answers for the upstream)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            time.sleep(0.05)  # something listens: make sure it is this process, still running
            if process.poll() is not None:
                msg = f"process exited with {process.returncode}; port {port} is taken"
                raise RuntimeError(msg)
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port}")


@contextlib.contextmanager
def _running(command: list[str], port: int, env: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen(command, env={**os.environ, **env})
    try:
        _wait_for(port, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def gateway(home: Path, tmp_path: Path, **server_env: str) -> Iterator[str]:
    """A demo MCP server on HTTP and `watchkeeper mcp http` in front of it; yields the URL."""
    upstream, listen = _free_ports(2)
    env = {"DEMO_CALL_LOG": str(tmp_path / "calls.log"), "DEMO_HTTP_PORT": str(upstream)}
    proxy = [
        str(WATCHKEEPER),
        "mcp",
        "http",
        "--name",
        "demo",
        "--upstream",
        f"http://127.0.0.1:{upstream}/mcp",
        "--listen",
        f"127.0.0.1:{listen}",
        "--home",
        str(home),
    ]
    with (
        _running([sys.executable, str(SERVER)], upstream, {**env, **server_env}),
        _running(proxy, listen, {"WATCHKEEPER_URL": ""}),
    ):
        yield f"http://127.0.0.1:{listen}/mcp"


def with_http_client(url: str, body: Callable[[ClientSession], Awaitable[T]]) -> T:
    """Connect a real SDK client over streamable HTTP, initialise, run `body`."""

    async def main() -> T:
        async with streamable_http_client(url) as streams, ClientSession(*streams) as session:
            await session.initialize()
            return await body(session)

    return anyio.run(main)


def _executed(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


async def _calls(session: ClientSession) -> list[tuple[bool, str]]:
    await session.list_tools()
    out = []
    for name, args in (
        ("echo", {"text": "over http"}),
        ("send_email", {"to": "a@example.com", "body": "x"}),
        ("undeclared", {}),
    ):
        result = await session.call_tool(name, args)
        out.append((bool(result.is_error), str(result.content[0].text)))  # type: ignore[union-attr]
    return out


def test_allowed_asked_and_denied_calls_over_http(home: Path, tmp_path: Path) -> None:
    """echo runs and its result is recorded; send_email (ask) and an unknown tool do not run."""
    with gateway(home, tmp_path) as url:
        results = with_http_client(url, _calls)
    assert results[0] == (False, "over http")
    assert results[1][0]
    assert results[2][0]
    assert _executed(tmp_path) == ["echo over http"]
    events = ledger_events(home)
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert [c.tool for c in calls] == [
        "mcp__demo__echo",
        "mcp__demo__send_email",
        "mcp__demo__undeclared",
    ]
    verdicts = [e.decision for e in events if isinstance(e, VerdictEvent)]
    assert verdicts == ["allow", "ask", "deny"]
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert result.output == "over http"
    assert result.tool_use_id == calls[0].tool_use_id


async def _echo_after_list(session: ClientSession) -> bool:
    await session.list_tools()
    result = await session.call_tool("echo", {"text": "again"})
    return bool(result.is_error)


def test_a_rug_pull_behind_the_http_gateway_is_blocked(home: Path, tmp_path: Path) -> None:
    """A changed echo description served over HTTP raises an alert and blocks echo."""
    with gateway(home, tmp_path) as url:
        assert with_http_client(url, _echo_after_list) is False
    with gateway(home, tmp_path, DEMO_RUG_PULL="1") as url:
        assert with_http_client(url, _echo_after_list) is True
    alerts = [e for e in ledger_events(home) if isinstance(e, AlertEvent)]
    assert [a.category for a in alerts] == ["mcp-tool-changed"]
    assert _executed(tmp_path) == ["echo again"]


def test_a_crashing_http_server_is_an_error_for_the_client(home: Path, tmp_path: Path) -> None:
    """The upstream exits mid-call: the client gets an error, not a hang; the gateway lives on."""

    async def body(session: ClientSession) -> str:
        with pytest.raises(MCPError) as caught:
            await session.call_tool("crash", {"reason": "boom"})
        return str(caught.value)

    with gateway(home, tmp_path) as url:
        message = with_http_client(url, body)
        alive = httpx.post(url, content=b"{broken", timeout=10)
    assert "upstream" in message
    assert alive.status_code == 400
    assert alive.json()["error"]["code"] == -32700
    errors = [e for e in ledger_events(home) if isinstance(e, ErrorEvent)]
    assert [e.where for e in errors] == ["mcp:demo:client"]
    results = [e for e in ledger_events(home) if isinstance(e, ToolResult)]
    assert results
    assert results[-1].is_error
