"""`run_drill`: run the evasive test agent under `watchkeeper run`, kill it, check the result.

Everything the drill plants lives in a temporary directory: the agent's ``HOME`` (so its
``.bashrc`` line lands there) and a crontab spool the supervisor is told to watch. The drill
does not use the system ``crontab`` command, which writes the real user's spool whatever
``HOME`` says; the agent appends to ``<tmp>/cron/<user>`` instead, exactly as ``crontab``
would to the system spool.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.contain._kill import KillTarget, contain
from watchkeeper.contain._report import ContainmentReport
from watchkeeper.supervise import DEPLOYMENT_ENV, BackendChoice, marker_pids, signal_all

__all__ = ["DRILL_PERSISTENCE", "DrillError", "DrillResult", "run_drill"]

#: What the agent plants; the drill passes only when all of it is found.
DRILL_PERSISTENCE = frozenset({"crontab", "shell-rc"})
_AGENT = Path(__file__).with_name("evasive_agent.py")
_MAIN = "from watchkeeper.cli.main import main; main()"


class DrillError(RuntimeError):
    """The drill could not get the agent running (it says why)."""


@dataclass(frozen=True)
class DrillResult:
    """The kill's report, and the drill's own verdict on it."""

    deployment: str
    report: ContainmentReport
    agent_processes: int
    supervisor_exit: int | None

    @property
    def persistence_found(self) -> set[str]:
        """Categories of the planted persistence the kill found."""
        return {f.category for f in self.report.persistence}

    @property
    def passed(self) -> bool:
        """No survivors, all planted persistence found, every check of the report passed."""
        return self.report.contained and self.persistence_found >= DRILL_PERSISTENCE


def _wait_ready(
    ready: Path, supervisor: subprocess.Popen[bytes], timeout: float
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            with contextlib.suppress(ValueError):
                data: dict[str, object] = json.loads(ready.read_text())
                return data
        if supervisor.poll() is not None:
            err = supervisor.stderr.read().decode() if supervisor.stderr else ""
            raise DrillError(f"the supervised agent exited early: {err.strip()[-500:]}")
        time.sleep(0.02)
    raise DrillError(f"the agent was not ready after {timeout:.0f} s")


def _cleanup(name: str, supervisor: subprocess.Popen[bytes]) -> None:
    """Kill whatever the drill left, however the drill ended."""
    for _ in range(100):
        left = marker_pids(DEPLOYMENT_ENV, name)
        if not left:
            break
        signal_all(left, signal.SIGKILL)
        time.sleep(0.01)
    if supervisor.poll() is None:
        supervisor.send_signal(signal.SIGKILL)
    supervisor.wait(timeout=10)
    for stream in (supervisor.stdout, supervisor.stderr):
        if stream is not None:
            stream.close()


def run_drill(
    *, home: Path | None = None, backend: BackendChoice = "auto", ready_timeout: float = 30.0
) -> DrillResult:
    """Register a drill deployment, run the agent supervised, kill it, and return the result.

    With `home` None a temporary watchkeeper home is used and removed afterwards; otherwise
    the drill's deployment, session and report stay in `home`'s registry and ledger.
    """
    from watchkeeper.deployments import open_registry
    from watchkeeper.ledger import open_ledger

    scratch = Path(tempfile.mkdtemp(prefix="watchkeeper-drill-"))
    wk_home = home if home is not None else scratch / "watchkeeper"
    wk_home.mkdir(parents=True, exist_ok=True, mode=0o700)
    agent_home = scratch / "home"
    agent_home.mkdir()
    spool = scratch / "cron"
    ready = scratch / "ready.json"
    name = f"drill-{secrets.token_hex(4)}"
    registry = open_registry(wk_home)
    registry.register(name, owner="watchkeeper drill", purpose="kill-switch drill", actor="drill")
    env = {
        **os.environ,
        "HOME": str(agent_home),
        "WK_DRILL_READY": str(ready),
        "WK_DRILL_CRONTAB": str(spool / pwd.getpwuid(os.getuid()).pw_name),
    }
    argv = [sys.executable, "-c", _MAIN, "run", "--home", str(wk_home), "-d", name,
            "--backend", backend, "--cron-spool", str(spool), "--",
            sys.executable, str(_AGENT)]  # fmt: skip
    supervisor = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
        argv, env=env, cwd=agent_home, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        info = _wait_ready(ready, supervisor, ready_timeout)
        children = info.get("children")
        count = 2 + (len(children) if isinstance(children, list) else 0)
        with open_ledger(wk_home) as ledger:
            report = contain(
                wk_home, KillTarget(name=name), registry=registry, ledger=ledger,
                reason="drill", remove=True, actor="drill",
            )  # fmt: skip
        with contextlib.suppress(subprocess.TimeoutExpired):
            supervisor.wait(timeout=15)
        return DrillResult(name, report, count, supervisor.returncode)
    finally:
        _cleanup(name, supervisor)
        shutil.rmtree(scratch, ignore_errors=True)
