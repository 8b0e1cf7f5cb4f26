"""The stdio MCP gateway between a real SDK client and a real SDK server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from mcp.client import ClientSession
from mcp.shared.exceptions import MCPError

from tests.integrations.mcp.conftest import (
    ledger_env,
    ledger_events,
    proxy_command,
    with_client,
)
from watchkeeper.alerts import AlertStore
from watchkeeper.events import AlertEvent, ErrorEvent, Lifecycle, ToolCall, ToolResult, VerdictEvent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**ledger_env(), "DEMO_CALL_LOG": str(tmp_path / "calls.log"), **extra}


def _executed(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_an_allowed_call_reaches_the_server_and_its_result_is_recorded(
    home: Path, tmp_path: Path
) -> None:
    """echo is allowed: the client gets the server's answer; call, verdict and result are kept."""

    async def body(session: ClientSession) -> str:
        result = await session.call_tool("echo", {"text": "hello"})
        assert not result.is_error
        return str(result.content[0].text)  # type: ignore[union-attr]  # text content

    assert with_client(proxy_command(home), _env(tmp_path), body) == "hello"
    assert _executed(tmp_path) == ["echo hello"]
    events = ledger_events(home)
    call = next(e for e in events if isinstance(e, ToolCall))
    assert call.tool == "mcp__demo__echo"
    assert call.args == {"text": "hello"}
    verdict = next(e for e in events if isinstance(e, VerdictEvent))
    assert verdict.decision == "allow"
    assert verdict.rule_ids == ("allow-echo",)
    result = next(e for e in events if isinstance(e, ToolResult))
    assert result.tool_use_id == call.tool_use_id
    assert result.output == "hello"


def test_a_denied_call_never_reaches_the_server(home: Path, tmp_path: Path) -> None:
    """A tool no rule allows gets a tool error result, and the server never runs it."""
    command = proxy_command(home)

    async def body(session: ClientSession) -> bool:
        # `crash` is allowed by the policy; deny a tool the policy does not name instead.
        result = await session.call_tool("undeclared", {"x": 1})
        return bool(result.is_error)

    assert with_client(command, _env(tmp_path), body) is True
    assert _executed(tmp_path) == []
    verdicts = [e for e in ledger_events(home) if isinstance(e, VerdictEvent)]
    assert [v.decision for v in verdicts] == ["deny"]


def test_an_asked_call_is_not_run_and_the_client_is_told(home: Path, tmp_path: Path) -> None:
    """send_email needs a reviewer: the client sees an error result, not a hang or a run."""

    async def body(session: ClientSession) -> tuple[bool, str]:
        result = await session.call_tool("send_email", {"to": "a@example.com", "body": "hi"})
        return bool(result.is_error), str(result.content[0].text)  # type: ignore[union-attr]

    is_error, text = with_client(proxy_command(home), _env(tmp_path), body)
    assert is_error
    assert "approval" in text or "review" in text
    assert _executed(tmp_path) == []
    verdict = next(e for e in ledger_events(home) if isinstance(e, VerdictEvent))
    assert (verdict.decision, verdict.rule_ids) == ("ask", ("ask-email",))


async def _listed_echo(session: ClientSession) -> bool:
    await session.list_tools()
    result = await session.call_tool("echo", {"text": "again"})
    return bool(result.is_error)


def test_a_changed_tool_definition_is_alerted_and_blocked(home: Path, tmp_path: Path) -> None:
    """A rug pull: the second server serves a new description for echo; calls are blocked."""
    assert with_client(proxy_command(home), _env(tmp_path), _listed_echo) is False
    blocked = with_client(proxy_command(home), _env(tmp_path, DEMO_RUG_PULL="1"), _listed_echo)
    assert blocked is True
    assert _executed(tmp_path) == ["echo again"]
    events = ledger_events(home)
    alerts = [e for e in events if isinstance(e, AlertEvent)]
    assert [a.category for a in alerts] == ["mcp-tool-changed"]
    assert "echo" in alerts[0].explanation
    denied = [e for e in events if isinstance(e, VerdictEvent) and e.decision == "deny"]
    assert denied[-1].rule_ids == ("mcp-tool-changed",)
    with AlertStore(home / "alerts.db") as store:
        assert [a.category for a in store.list()] == ["mcp-tool-changed"]


def test_an_accepted_change_is_allowed_again(home: Path, tmp_path: Path) -> None:
    """After `watchkeeper mcp accept`, the new definition is the pin and calls pass."""
    with_client(proxy_command(home), _env(tmp_path), _listed_echo)
    rug = _env(tmp_path, DEMO_RUG_PULL="1")
    with_client(proxy_command(home), rug, _listed_echo)
    accept = [*proxy_command(home)[:1], "mcp", "accept", "demo", "echo", "--home", str(home)]
    done = subprocess.run(accept, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert with_client(proxy_command(home), rug, _listed_echo) is False


def test_a_server_crash_mid_call_is_an_error_not_a_hang(home: Path, tmp_path: Path) -> None:
    """The server exits during a call: that call and later ones fail; the exit is recorded."""

    async def body(session: ClientSession) -> list[str]:
        failures = []
        for name, args in (("crash", {"reason": "boom"}), ("echo", {"text": "after"})):
            with pytest.raises(MCPError) as caught:
                await session.call_tool(name, args)
            failures.append(str(caught.value))
        return failures

    failures = with_client(proxy_command(home), _env(tmp_path), body)
    assert all("not running" in f for f in failures)
    events = ledger_events(home)
    exits = [e for e in events if isinstance(e, Lifecycle) and e.phase == "mcp_server_exit"]
    assert exits[0].detail["unanswered"] == 1
    assert exits[0].detail["reason"] == "exit status 3"
    result = next(e for e in events if isinstance(e, ToolResult))
    assert result.is_error


def _raw_exchange(home: Path, tmp_path: Path, lines: list[bytes], **env: str) -> list[dict]:
    """Write raw lines to the proxy's stdin, close it, return every JSON line it printed."""
    done = subprocess.run(
        proxy_command(home),
        input=b"".join(lines),
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", **_env(tmp_path, **env)},
        timeout=60,
        check=False,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


_INIT = (
    b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
    b'"capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}\n'
)
_ECHO = (
    b'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo",'
    b'"arguments":{"text":"still here"}}}\n'
)


def test_malformed_client_input_gets_a_parse_error_and_the_proxy_keeps_going(
    home: Path, tmp_path: Path
) -> None:
    """A garbage line gets a JSON-RPC parse error, is recorded, and later calls still work."""
    replies = _raw_exchange(home, tmp_path, [_INIT, b"{not json\n", b"[1, 2]\n", _ECHO])
    errors = [r for r in replies if r.get("id") is None]
    assert [e["error"]["code"] for e in errors] == [-32700, -32700]
    echo = next(r for r in replies if r.get("id") == 2)
    assert echo["result"]["content"][0]["text"] == "still here"
    recorded = [e for e in ledger_events(home) if isinstance(e, ErrorEvent)]
    assert [e.where for e in recorded] == ["mcp:demo:client", "mcp:demo:client"]
    assert recorded[0].raw == "{not json\n"


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_malformed_server_output_is_recorded_and_not_forwarded(home: Path, tmp_path: Path) -> None:
    """A server that prints garbage: the line is recorded, the client only sees JSON-RPC."""
    replies = _raw_exchange(home, tmp_path, [_INIT, _ECHO], DEMO_GARBAGE="1")
    assert {r.get("id") for r in replies} == {1, 2}
    recorded = [e for e in ledger_events(home) if isinstance(e, ErrorEvent)]
    assert [e.where for e in recorded] == ["mcp:demo:server"]
    assert recorded[0].raw == "this is not json-rpc\n"
