"""Run a real MCP SDK client against `watchkeeper mcp stdio` wrapping a real SDK server."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import anyio
import pytest
from mcp.client import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.types import CallToolResult

from watchkeeper.events import Decision, Event, Lifecycle, ReviewEvent, ToolResult
from watchkeeper.gateway import TokenStore, build_pipeline, create_app
from watchkeeper.ledger import DB_ENV, ledger_source
from watchkeeper.review import ApprovalClosedError, ApprovalQueue, PendingApproval
from watchkeeper.testing import serve_in_thread

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


def ledger_env() -> dict[str, str]:
    """`$WATCHKEEPER_DB` when set: a proxy started with a bare environment needs it."""
    return {DB_ENV: os.environ[DB_ENV]} if DB_ENV in os.environ else {}


def with_client(
    command: list[str], env: dict[str, str], body: Callable[[ClientSession], Awaitable[T]]
) -> T:
    """Start `command` as an MCP stdio server, initialise a client session, run `body`.

    The SDK hands the server only a few variables besides `env`; `ledger_env()` is passed on
    too, so the proxy records into the ledger the test reads.
    """
    params = StdioServerParameters(
        command=command[0], args=command[1:], env={**ledger_env(), **env}
    )

    async def main() -> T:
        async with stdio_client(params) as streams, ClientSession(*streams) as session:
            await session.initialize()
            return await body(session)

    return anyio.run(main)


def ledger_events(home: Path) -> list[Event]:
    """Every event recorded in the home's ledger, in order."""
    return [event for _seq, event in ledger_source(home).events()]


@dataclass
class Held:
    """A live gateway holding asks: its url, a token, its home and its approval queue."""

    url: str
    token: str
    home: Path
    queue: ApprovalQueue


@pytest.fixture
def held(home: Path, tmp_path: Path) -> Iterator[Held]:
    """A gateway on the MCP test policy (send_email asks) that holds asks for 30 s."""
    tokens = TokenStore(tmp_path / "tokens.json")
    with build_pipeline(home, policy_path=home / "policy.yaml", default_monitors=False) as pipe:
        queue = ApprovalQueue(pipe.record)
        app = create_app(pipe, tokens, approvals=queue, approval_timeout=30)
        with serve_in_thread(app) as url:
            yield Held(url, tokens.issue("mcp-test"), home, queue)
            queue.close()


async def first_pending(queue: ApprovalQueue) -> PendingApproval:
    """The first approval the gateway holds (waits up to 20 s)."""
    with anyio.fail_after(20):
        while not queue.pending():
            await anyio.sleep(0.02)
    return queue.pending()[0]


def events_until(home: Path, done: Callable[[Event], bool]) -> list[Event]:
    """The gateway's ledger once an event matches `done` (or after 10 s)."""
    deadline = time.monotonic() + 10
    while True:
        events = ledger_events(home)
        if any(done(e) for e in events) or time.monotonic() > deadline:
            return events
        time.sleep(0.05)


def executed(tmp_path: Path) -> list[str]:
    """The demo server's calls, as it logged them to `<tmp_path>/calls.log`."""
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def result_text(result: CallToolResult) -> str:
    """The text of a tool result's first content block."""
    return str(result.content[0].text)  # type: ignore[union-attr]  # text content


def is_cancelled(event: Event) -> bool:
    """The proxy's record that the client cancelled a held call."""
    return isinstance(event, Lifecycle) and event.phase == "mcp_call_cancelled"


def is_not_run(event: Event) -> bool:
    """The result recorded for the held `send_email` call."""
    return isinstance(event, ToolResult) and event.tool == "mcp__demo__send_email"


def is_withdrawn(event: Event) -> bool:
    """The gateway's record that a held approval was withdrawn."""
    return isinstance(event, ReviewEvent) and event.action == "withdraw"


def cancelling_client(held: Held) -> Callable[[ClientSession], Awaitable[str]]:
    """A client body that cancels a held `send_email`, waits until the proxy recorded the
    cancellation, checks its approval left the queue and can no longer be approved, then
    calls `echo` ("after")."""

    async def body(session: ClientSession) -> str:
        with anyio.CancelScope() as scope:

            async def send() -> None:
                await session.call_tool("send_email", {"to": "a@x.org", "body": "b"})

            async with anyio.create_task_group() as group:
                group.start_soon(send)
                pending = await first_pending(held.queue)
                scope.cancel()
        events = await anyio.to_thread.run_sync(events_until, held.home, is_cancelled)
        assert any(is_cancelled(e) for e in events)
        assert held.queue.pending() == []
        with pytest.raises(ApprovalClosedError, match="withdrawn"):
            held.queue.resolve(pending.id, Decision.ALLOW, reviewer="rita")
        # The proxy still serves: a later call goes through.
        return result_text(await session.call_tool("echo", {"text": "after"}))

    return body
