"""`watchkeeper serve` as a child process: started, waited for, and stopped."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = ["GatewayProcess", "GatewayStartError", "watchkeeper_command"]

_API_LINE = re.compile(r"API:\s+(http://\S+)/v1")


class GatewayStartError(RuntimeError):
    """`watchkeeper serve` exited or did not answer in time; the message quotes its output."""


def watchkeeper_command() -> list[str]:
    """Return the argv prefix that runs the `watchkeeper` CLI of this interpreter."""
    script = Path(sys.executable).with_name("watchkeeper")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from watchkeeper.cli.main import main; main()"]


class GatewayProcess:
    """A gateway serving `home` on `port` (0: any free port), logging to `<home>/serve.log`.

    Use as a context manager: entering starts it and waits until ``/v1/health`` answers;
    leaving sends SIGTERM (graceful: open requests finish, the ledger drains) and waits.
    `approval_timeout` is passed to `serve --approval-timeout`: by default 0, so an `ask` is
    answered at once instead of being held for a reviewer.
    """

    def __init__(
        self,
        home: Path,
        *,
        port: int = 0,
        startup_timeout: float = 60.0,
        approval_timeout: float = 0.0,
    ) -> None:
        self.home = home
        self.approval_timeout = approval_timeout
        self.port = port
        self.url = ""
        self.log_path = home / "serve.log"
        self._timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return None if self._process is None else self._process.pid

    def start(self) -> str:
        """Start the server and return its base URL once it answers ``/v1/health``."""
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = {**os.environ, "WATCHKEEPER_HOME": str(self.home)}
        argv = [*watchkeeper_command(), "serve", "--home", str(self.home), "--port", str(self.port)]
        argv += ["--approval-timeout", f"{self.approval_timeout:g}"]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
            )
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            match = _API_LINE.search(self.log_path.read_text(errors="replace"))
            if match and self._healthy(match.group(1)):
                self.url = match.group(1)
                return self.url
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        output = self.log_path.read_text(errors="replace").strip()
        self.stop()
        raise GatewayStartError(
            f"`watchkeeper serve` did not start on port `{self.port}`: {output[-500:]}"
        )

    @staticmethod
    def _healthy(url: str) -> bool:
        try:
            with urllib.request.urlopen(f"{url}/v1/health", timeout=2) as reply:  # noqa: S310 - http to our own child
                return bool(json.loads(reply.read()).get("ok"))
        except (OSError, ValueError):
            return False

    def stop(self) -> None:
        """Stop the server gracefully (SIGTERM), killing it if it does not exit in 30 s."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def wait(self) -> int:
        """Block until the server exits; return its exit code."""
        return 0 if self._process is None else self._process.wait()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
