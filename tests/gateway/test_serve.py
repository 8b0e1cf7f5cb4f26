"""`watchkeeper serve` as a real process: both listeners, shutdown, and surviving kill -9."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from watchkeeper.events import ToolCall, VerdictEvent
from watchkeeper.ledger import ledger_source, load_public_key, open_ledger

from .conftest import SERVE_COMMAND, ServeProcess


def _admin(serve: ServeProcess, *, uds: bool = False) -> httpx.Client:
    headers = {"Authorization": f"Bearer {serve.admin_token}"}
    if uds:
        transport = httpx.HTTPTransport(uds=str(serve.home / "gateway.sock"))
        return httpx.Client(base_url="http://gateway", headers=headers, transport=transport)
    return httpx.Client(base_url=serve.url, headers=headers)


def _verify(home: Path) -> None:
    report = ledger_source(home).verify(load_public_key(home / "keys" / "ledger.pub"))
    assert report.ok, report.reason


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
@pytest.mark.parametrize("uds", [False, True], ids=["tcp", "unix-socket"])
def test_serve_decides_and_records_over_both_listeners(
    serve_process: ServeProcess, uds: bool
) -> None:
    """One process answers allow, ask and deny on TCP and the unix socket, recorded at once."""
    commands = {"echo hi": "allow", "git push origin main": "ask", "rm -rf build": "deny"}
    with _admin(serve_process, uds=uds) as client:
        for command, decision in commands.items():
            call = {"session_id": "s1", "tool": "Bash", "args": {"command": command}}
            reply = client.post("/v1/decide", json=call).json()
            assert reply["decision"] == decision
            page = client.get("/v1/sessions/s1/events").json()["events"]
            recorded = [entry["event"] for entry in page]
            assert recorded[-2]["id"] == reply["call_id"]
            assert recorded[-1]["call_id"] == reply["call_id"]
            assert recorded[-1]["decision"] == decision


def test_serve_socket_is_owner_only(serve_process: ServeProcess) -> None:
    """The unix socket is created with mode 0600."""
    mode = (serve_process.home / "gateway.sock").stat().st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600


def test_serve_first_start_creates_policy_and_admin_token(
    home: Path, serve_starter: Callable[..., ServeProcess]
) -> None:
    """A first start writes policy.yaml with the coding-agent pack and a 0600 admin token."""
    serve = serve_starter(home)
    assert "include: [coding-agent]" in (home / "policy.yaml").read_text()
    assert stat.S_IMODE((home / "admin.token").stat().st_mode) == 0o600
    with _admin(serve) as client:
        call = {"session_id": "s", "tool": "Bash", "args": {"command": "cat ~/.ssh/id_rsa"}}
        reply = client.post("/v1/decide", json=call).json()
    assert (reply["decision"], reply["rule_ids"]) == ("deny", ["deny-credential-read"])


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_sigterm_drains_ledger_and_exits_cleanly(serve_process: ServeProcess) -> None:
    """SIGTERM stops the server, closes the ledger, removes the socket and exits 0."""
    with _admin(serve_process) as client:
        call = {"session_id": "s1", "tool": "Bash", "args": {"command": "echo hi"}}
        assert client.post("/v1/decide", json=call).status_code == 200
    serve_process.process.send_signal(signal.SIGTERM)
    assert serve_process.process.wait(timeout=20) == 0
    assert serve_process.process.stdout is not None
    assert "ledger closed" in serve_process.process.stdout.read()
    assert not (serve_process.home / "gateway.sock").exists()
    _verify(serve_process.home)


@pytest.mark.usefixtures("ledger_backend")  # on both backends (`tests/_backends.py`)
def test_acknowledged_calls_survive_kill_9(serve_process: ServeProcess) -> None:
    """Every call the gateway acknowledged is in the ledger with its verdict after kill -9."""
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    commands = ["echo hi", "rm -rf build", "git push origin main"]

    def client_loop(worker: int) -> None:
        with _admin(serve_process) as client:
            n = 0
            while not stop.is_set():
                call = {
                    "session_id": f"crash-{worker}",
                    "tool": "Bash",
                    "args": {"command": commands[n % len(commands)]},
                }
                n += 1
                try:
                    reply = client.post("/v1/decide", json=call, timeout=10)
                except httpx.TransportError:
                    return
                if reply.status_code == 200:
                    body = reply.json()
                    with lock:
                        acknowledged[body["call_id"]] = body["decision"]

    threads = [threading.Thread(target=client_loop, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        time.sleep(0.02)
    serve_process.process.kill()
    serve_process.process.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    assert len(acknowledged) >= 300
    _verify(serve_process.home)
    with open_ledger(serve_process.home) as ledger:
        events = [event for _seq, event in ledger.events()]
    calls = {e.id for e in events if isinstance(e, ToolCall)}
    verdicts = {e.call_id: e.decision.value for e in events if isinstance(e, VerdictEvent)}
    assert set(acknowledged) <= calls
    assert {call_id: verdicts.get(call_id) for call_id in acknowledged} == acknowledged


def test_second_gateway_on_same_socket_is_refused(
    serve_process: ServeProcess, tmp_path: Path
) -> None:
    """Starting a gateway on a socket a live gateway uses fails with a clear error."""
    socket_path = serve_process.home / "gateway.sock"
    command = [*SERVE_COMMAND, "--home", str(tmp_path), "--port", "0"]
    result = subprocess.run(
        [*command, "--socket", str(socket_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"socket `{socket_path}` is in use by a running gateway" in result.stderr
    with _admin(serve_process, uds=True) as client:
        assert client.get("/v1/health").status_code == 200


@pytest.mark.parametrize("uds", [False, True], ids=["tcp", "unix-socket"])
def test_claude_code_hook_process_is_decided_by_gateway(
    serve_process: ServeProcess, uds: bool
) -> None:
    """The real hook command, pointed at the gateway, prints the gateway's deny."""
    hooks = Path(__file__).parents[2] / ".." / "shared" / "formats" / "claude_code_hooks"
    payload = json.loads((hooks / "quantstats" / "pre_tool_use.json").read_text())[0]
    payload["tool_name"] = "Bash"
    payload["tool_input"] = {"command": "rm -f build.log"}
    payload.pop("transcript_path", None)
    url = f"unix://{serve_process.home / 'gateway.sock'}" if uds else serve_process.url
    env = {
        **os.environ,
        "WATCHKEEPER_URL": url,
        "WATCHKEEPER_TOKEN": serve_process.admin_token,
        "WATCHKEEPER_HOME": str(serve_process.home / "hook-home"),
    }
    command = [sys.executable, "-c", "from watchkeeper.cli.main import main; main()"]
    result = subprocess.run(
        [*command, "hook", "claude-code"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)["hookSpecificOutput"]
    assert output["permissionDecision"] == "deny"
    assert "deny-rm" in output["permissionDecisionReason"]
