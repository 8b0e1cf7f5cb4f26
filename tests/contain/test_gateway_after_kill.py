"""End to end: an agent calling a real gateway is refused from the moment it is killed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.contain.conftest import RunAgent
from watchkeeper.alerts import AlertStore
from watchkeeper.contain import KillTarget, contain
from watchkeeper.deployments import Registry
from watchkeeper.gateway import build_pipeline, create_app
from watchkeeper.ledger import open_ledger
from watchkeeper.testing import serve_in_thread

_CALLER = """
import json, os, time, urllib.request, urllib.error
body = json.dumps({"session_id": os.environ["WATCHKEEPER_SESSION"], "tool": "Bash",
                   "args": {"command": "echo hi"}}).encode()
def call():
    req = urllib.request.Request(os.environ["WATCHKEEPER_URL"] + "/v1/decide", data=body,
        headers={"Authorization": "Bearer " + os.environ["WATCHKEEPER_TOKEN"],
                 "Content-Type": "application/json"})
    try:
        return urllib.request.urlopen(req, timeout=5).status
    except urllib.error.HTTPError as exc:
        return exc.code
assert call() == 200
open(os.environ["HOME"] + "/ready", "w").close()
while True:
    call()
    time.sleep(0.01)
"""


@pytest.fixture
def gateway(home: Path, registry: Registry) -> Iterator[str]:
    """A real gateway over `home`, serving `home`'s registry."""
    with (
        build_pipeline(home, default_monitors=False) as pipeline,
        AlertStore(home / "alerts.db") as alerts,
    ):
        app = create_app(pipeline, registry.tokens, registry=registry, alerts=alerts)
        with serve_in_thread(app) as url:
            yield url


def test_token_is_refused_and_no_call_accepted_after_kill(
    home: Path,
    registry: Registry,
    deployment: str,
    agent_home: Path,
    gateway: str,
    run_agent: RunAgent,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The agent's calls succeed before the kill; after it, its token gets 401/403."""
    monkeypatch.setenv("WATCHKEEPER_URL", gateway)
    script_path = agent_home / "caller.py"
    script_path.write_text(_CALLER)
    session = run_agent(f"exec {sys.executable} {script_path}")
    token = _token_of(session.root_pid)
    with open_ledger(home) as ledger:
        report = contain(home, KillTarget(name=deployment), registry=registry, ledger=ledger)
    assert report.contained
    assert report.calls_after_revocation == 0
    reply = httpx.post(
        f"{gateway}/v1/decide",
        json={"session_id": session.session_id, "tool": "Bash", "args": {"command": "id"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code in (401, 403)


def _token_of(pid: int) -> str:
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    (entry,) = [e for e in environ if e.startswith(b"WATCHKEEPER_TOKEN=")]
    return entry.split(b"=", 1)[1].decode()
