"""Real hook processes, a real gateway, and the captured Claude Code samples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.demo import GatewayProcess
from watchkeeper.deployments import open_registry
from watchkeeper.events import Event
from watchkeeper.ledger import DB_ENV, open_ledger

FORMATS = Path(__file__).parents[3] / ".." / "shared" / "formats"
HOOKS = FORMATS / "claude_code_hooks"
TRANSCRIPTS = FORMATS / "claude_code_transcripts"
CONSOLE_SCRIPT = Path(sys.executable).with_name("watchkeeper")


def hook_command() -> list[str]:
    """The real `watchkeeper hook claude-code` command (console script, or `-m` without one)."""
    if CONSOLE_SCRIPT.exists():
        return [str(CONSOLE_SCRIPT), "hook", "claude-code"]
    return [sys.executable, "-m", "watchkeeper.integrations.claude_code"]


def sample_payloads(name: str) -> list[dict[str, Any]]:
    """Every payload in one captured hook log (a JSON array, one payload per element)."""
    out: list[dict[str, Any]] = []
    for path in sorted(HOOKS.glob(f"*/{name}")):
        out.extend(json.loads(path.read_text(encoding="utf-8")))
    return out


def base_env(home: Path, **extra: str) -> dict[str, str]:
    # `$WATCHKEEPER_DB` stays: a local-mode hook must record where the test reads
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_") or k == DB_ENV}
    env["WATCHKEEPER_HOME"] = str(home)
    env.update(extra)
    return env


def run_hook(
    stdin: bytes | str | Mapping[str, Any],
    env: Mapping[str, str],
    *,
    command: list[str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Spawn the hook process with `stdin` and return what it printed and its exit code."""
    if isinstance(stdin, Mapping):
        stdin = json.dumps(stdin)
    if isinstance(stdin, str):
        stdin = stdin.encode()
    return subprocess.run(
        command or hook_command(),
        input=stdin,
        env=dict(env),
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def decision_of(result: subprocess.CompletedProcess[bytes]) -> str:
    """The permissionDecision the hook printed."""
    out = json.loads(result.stdout)
    decision: str = out["hookSpecificOutput"]["permissionDecision"]
    return decision


def ledger_events(home: Path) -> list[Event]:
    """Every event recorded in `home`'s ledger, in order."""
    with open_ledger(home) as ledger:
        return [event for _seq, event in ledger.events()]


@dataclass
class Gateway:
    url: str
    token: str
    home: Path
    process: GatewayProcess

    def env(self, **extra: str) -> dict[str, str]:
        values = {"WATCHKEEPER_URL": self.url, "WATCHKEEPER_TOKEN": self.token, **extra}
        return base_env(self.home, **values)

    def stop(self) -> None:
        self.process.stop()


def start_gateway(home: Path) -> Gateway:
    """Start `watchkeeper serve` on a free port and wait until /v1/health answers."""
    process = GatewayProcess(home)
    url = process.start()
    _, token = open_registry(home).register(
        "tests", owner="tests", purpose="claude code integration tests", actor="tests"
    )
    return Gateway(url=url, token=token, home=home, process=process)


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    """A real gateway process on a fresh home, stopped after the test."""
    gw = start_gateway(tmp_path / "gateway-home")
    try:
        yield gw
    finally:
        gw.stop()


@pytest.fixture(scope="module")
def shared_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """One real gateway process for a whole test module."""
    gw = start_gateway(tmp_path_factory.mktemp("gateway-home"))
    try:
        yield gw
    finally:
        gw.stop()
