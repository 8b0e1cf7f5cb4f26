"""Run a real MCP SDK client against `watchkeeper mcp stdio` wrapping a real SDK server."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import anyio
import pytest
from mcp.client import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from watchkeeper.events import Event
from watchkeeper.ledger import read_events

T = TypeVar("T")

SERVER = Path(__file__).with_name("demo_server.py")
WATCHKEEPER = Path(sys.executable).with_name("watchkeeper")
POLICY = """\
version: 1
default: deny
rules:
  - id: allow-echo
    decision: allow
    match: {tool: "mcp__demo__echo"}
  - id: allow-crash
    decision: allow
    match: {tool: "mcp__demo__crash"}
  - id: ask-email
    decision: ask
    match: {tool: "mcp__demo__send_email"}
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A watchkeeper home whose policy allows echo, asks for send_email, denies the rest."""
    path = tmp_path / "home"
    path.mkdir()
    (path / "policy.yaml").write_text(POLICY)
    return path


def proxy_command(home: Path, *extra: str) -> list[str]:
    """The `watchkeeper mcp stdio` command line wrapping the demo server."""
    return [
        str(WATCHKEEPER),
        "mcp",
        "stdio",
        "--name",
        "demo",
        "--home",
        str(home),
        *extra,
        "--",
        sys.executable,
        str(SERVER),
    ]


def with_client(
    command: list[str], env: dict[str, str], body: Callable[[ClientSession], Awaitable[T]]
) -> T:
    """Start `command` as an MCP stdio server, initialise a client session, run `body`."""
    params = StdioServerParameters(command=command[0], args=command[1:], env=env)

    async def main() -> T:
        async with stdio_client(params) as streams, ClientSession(*streams) as session:
            await session.initialize()
            return await body(session)

    return anyio.run(main)


def ledger_events(home: Path) -> list[Event]:
    """Every event recorded in the home's ledger, in order."""
    return [event for _seq, event in read_events(home / "ledger.db")]
