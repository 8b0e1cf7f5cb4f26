"""The hook fails closed: every way the gateway can fail ends in deny for PreToolUse."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.events import Lifecycle

from .conftest import Gateway, base_env, decision_of, ledger_events, run_hook

PRE = {
    "session_id": "fc-session",
    "transcript_path": "/nonexistent.jsonl",
    "cwd": "/tmp",
    "permission_mode": "default",
    "hook_event_name": "PreToolUse",
    "tool_name": "Read",
    "tool_input": {"file_path": "/tmp/a.txt"},
    "tool_use_id": "toolu_fc",
}
STOP = {**{k: PRE[k] for k in ("session_id", "transcript_path", "cwd")}, "hook_event_name": "Stop"}

Reply = Callable[[BaseHTTPRequestHandler, threading.Event], None]


@contextmanager
def fake_gateway(reply: Reply) -> Iterator[str]:
    """A tiny stdlib HTTP server answering every POST with `reply`; yields its URL."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            try:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                reply(self, stop)
            except OSError:
                pass  # the hook gave up and closed the connection

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _reason(result: Any) -> str:
    return str(json.loads(result.stdout)["hookSpecificOutput"]["permissionDecisionReason"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_refused_connection_denies(tmp_path: Path) -> None:
    """No gateway listening: the call is denied and the reason names the gateway."""
    url = f"http://127.0.0.1:{_free_port()}"
    result = run_hook(PRE, base_env(tmp_path, WATCHKEEPER_URL=url))
    assert result.returncode == 0
    assert decision_of(result) == "deny"
    assert f"watchkeeper gateway unreachable at {url}" in _reason(result)


def test_missing_unix_socket_denies(tmp_path: Path) -> None:
    """A unix socket path with nothing behind it is denied too."""
    url = f"unix://{tmp_path / 'none.sock'}"
    result = run_hook(PRE, base_env(tmp_path, WATCHKEEPER_URL=url))
    assert decision_of(result) == "deny"


def test_slow_gateway_denies_after_the_timeout(tmp_path: Path) -> None:
    """A gateway slower than WATCHKEEPER_TIMEOUT is given up on and the call denied."""

    def slow(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        stop.wait(10)

    with fake_gateway(slow) as url:
        env = base_env(tmp_path, WATCHKEEPER_URL=url, WATCHKEEPER_TIMEOUT="0.5")
        result = run_hook(PRE, env, timeout=8)
    assert decision_of(result) == "deny"
    assert "no reply within 0.5 s" in _reason(result)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"detail": "boom"}'),
        (200, b"this is not json"),
        (200, b'{"stdout": null, "exit_code": 0}'),
        (
            200,
            b'{"stdout": {"hookSpecificOutput": {"permissionDecision": "maybe"}}, "exit_code": 0}',
        ),
        (
            200,
            b'{"stdout": {"hookSpecificOutput": {"permissionDecision": "allow"}}, "exit_code": 9}',
        ),
        (200, b"[]"),
    ],
)
def test_error_or_garbage_reply_denies(tmp_path: Path, status: int, body: bytes) -> None:
    """An HTTP error, a reply that is not JSON, or one without a valid decision is a deny."""

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _send(handler, status, body)

    with fake_gateway(answer) as url:
        result = run_hook(PRE, base_env(tmp_path, WATCHKEEPER_URL=url))
    assert result.returncode == 0
    assert decision_of(result) == "deny"
    assert "call denied" in _reason(result)


def test_valid_reply_is_printed_as_is(tmp_path: Path) -> None:
    """A well-formed gateway reply is printed verbatim (the fake proves it is not local)."""
    stdout = {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "ask",
            "permissionDecisionReason": "from the fake",
        }
    }

    def answer(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
        _send(handler, 200, json.dumps({"stdout": stdout, "exit_code": 0}).encode())

    with fake_gateway(answer) as url:
        result = run_hook(PRE, base_env(tmp_path, WATCHKEEPER_URL=url))
    assert json.loads(result.stdout) == stdout


@pytest.mark.parametrize("stdin", [b"", b"{not json", b"[1,2]", b"\xff\xfe"])
def test_unreadable_stdin_denies_with_the_gateway_down(tmp_path: Path, stdin: bytes) -> None:
    """Input that is not a hook payload is denied even when nothing answers."""
    url = f"http://127.0.0.1:{_free_port()}"
    result = run_hook(stdin, base_env(tmp_path, WATCHKEEPER_URL=url))
    assert decision_of(result) == "deny"


def test_unreadable_stdin_is_denied_and_recorded_by_the_gateway(gateway: Gateway) -> None:
    """The real gateway records unreadable hook input as an error and denies it."""
    result = run_hook(b"{oops", gateway.env())
    assert decision_of(result) == "deny"
    gateway.stop()
    assert any(e.kind == "error" for e in ledger_events(gateway.home))


def test_other_events_fail_silently_and_are_spooled(tmp_path: Path) -> None:
    """A Stop event with the gateway down prints nothing, exits 0 and is kept in the spool."""
    url = f"http://127.0.0.1:{_free_port()}"
    result = run_hook(STOP, base_env(tmp_path, WATCHKEEPER_URL=url))
    assert (result.returncode, result.stdout) == (0, b"")
    spooled = list((tmp_path / "spool").glob("*.json"))
    assert len(spooled) == 1
    assert json.loads(spooled[0].read_text())["payload"]["hook_event_name"] == "Stop"


def test_spool_is_sent_after_the_next_successful_call(gateway: Gateway, tmp_path: Path) -> None:
    """Spooled events (and a fail-closed record of the denied call) reach the ledger later."""
    down = base_env(gateway.home, WATCHKEEPER_URL=f"http://127.0.0.1:{_free_port()}")
    assert decision_of(run_hook(PRE, down)) == "deny"
    assert run_hook(STOP, down).returncode == 0
    assert len(list((gateway.home / "spool").glob("*.json"))) == 2
    assert run_hook({**STOP, "hook_event_name": "SessionEnd"}, gateway.env()).returncode == 0
    assert list((gateway.home / "spool").glob("*.json")) == []
    gateway.stop()
    phases = [e.phase for e in ledger_events(gateway.home) if isinstance(e, Lifecycle)]
    assert phases == ["session_end", "watchkeeper_fail_closed", "stop"]


def test_launcher_output_and_exit_code_survive_the_fast_exit(tmp_path: Path) -> None:
    """The installed command ends without interpreter teardown, yet prints all of a large
    reply and exits with the gateway's exit code."""
    from watchkeeper.integrations.claude_code import hook_command

    big = {"decision": "block", "reason": "x" * 300_000}
    body = json.dumps({"stdout": big, "exit_code": 2}).encode()
    with fake_gateway(lambda handler, _stop: _send(handler, 200, body)) as url:
        result = run_hook(
            STOP,
            base_env(tmp_path, WATCHKEEPER_URL=url),
            command=hook_command().split(),
        )
    assert result.returncode == 2, result.stderr
    assert json.loads(result.stdout) == big
