"""Gateway fixtures: a home with a small test policy, a pipeline, tokens and live servers."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from watchkeeper.gateway import (
    Pipeline,
    TokenStore,
    bind_tcp,
    bind_unix,
    build_pipeline,
    create_app,
    ensure_admin_token,
)

TEST_POLICY = """\
version: 1
default: deny
rules:
  - id: allow-echo
    decision: allow
    description: echo is harmless
    match: {command: ["echo *"]}
  - id: ask-git-push
    decision: ask
    description: pushing needs a human
    match: {command: ["git push *"]}
  - id: deny-rm
    decision: deny
    description: rm is not allowed here
    match: {command: ["rm *"]}
  - id: deny-after-untrusted
    decision: deny
    description: nothing runs once untrusted content entered the session
    match: {session: {untrusted_seen: true}}
"""


@pytest.fixture
def home() -> Iterator[Path]:
    """A fresh watchkeeper home with a short path (unix socket paths are limited)."""
    with tempfile.TemporaryDirectory(prefix="wk-", dir="/tmp") as directory:
        yield Path(directory)


@pytest.fixture
def policy_file(home: Path) -> Path:
    """The test policy, written into the home."""
    path = home / "test-policy.yaml"
    path.write_text(TEST_POLICY)
    return path


@pytest.fixture
def pipeline(home: Path, policy_file: Path) -> Iterator[Pipeline]:
    """A real pipeline: normalizer, the test policy and a SQLite ledger in `home`."""
    with build_pipeline(home, policy_path=policy_file) as built:
        yield built


@pytest.fixture
def tokens(home: Path) -> TokenStore:
    """The token store of `home`."""
    return TokenStore(home / "tokens.json")


@dataclass(frozen=True)
class Served:
    """A gateway being served: where, and tokens to use."""

    url: str
    socket_path: Path
    token: str
    admin_token: str

    def client(self, token: str | None = None, *, uds: bool = False) -> httpx.Client:
        """Return a client with `token` (default: the `alpha` deployment's) as bearer."""
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if uds:
            transport = httpx.HTTPTransport(uds=str(self.socket_path))
            return httpx.Client(base_url="http://gateway", headers=headers, transport=transport)
        return httpx.Client(base_url=self.url, headers=headers)


@contextlib.contextmanager
def _serving(app: FastAPI, socket_path: Path) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread on a free TCP port and `socket_path`."""
    sockets = [bind_tcp("127.0.0.1", 0), bind_unix(socket_path)]
    port = sockets[0].getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test gateway did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        for sock in sockets:
            sock.close()


@pytest.fixture
def serve_app(home: Path, tokens: TokenStore) -> Iterator[Callable[[FastAPI], Served]]:
    """Serve a given app (`serve_app(app)`) on real sockets until the test ends."""
    admin = ensure_admin_token(tokens, home / "admin.token").read_text().strip()
    token = tokens.issue("alpha")
    with contextlib.ExitStack() as stack:

        def serve(app: FastAPI) -> Served:
            url = stack.enter_context(_serving(app, home / "gateway.sock"))
            return Served(url, home / "gateway.sock", token, admin)

        yield serve


@pytest.fixture
def served(
    pipeline: Pipeline, tokens: TokenStore, serve_app: Callable[[FastAPI], Served]
) -> Served:
    """The real app over the test pipeline, on a TCP port and a unix socket."""
    return serve_app(create_app(pipeline, tokens))


#: Runs `watchkeeper serve` with this interpreter (no reliance on the console script on PATH).
SERVE_COMMAND = (sys.executable, "-c", "from watchkeeper.cli.main import main; main()", "serve")


@dataclass
class ServeProcess:
    """A `watchkeeper serve` subprocess and where it listens."""

    process: subprocess.Popen[str]
    url: str
    home: Path

    @property
    def admin_token(self) -> str:
        """The admin token the server created in its home."""
        return (self.home / "admin.token").read_text().strip()


def _start_serve(home: Path, *extra: str) -> ServeProcess:
    """Start `watchkeeper serve --port 0` on `home` and wait until it answers."""
    command = [*SERVE_COMMAND, "--home", str(home), "--port", "0", *extra]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = ServeProcess(process, "", home)
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip().startswith("API:"):
            started.url = line.split()[-1].removesuffix("/v1")
            break
    if not started.url:
        process.wait(timeout=15)
        stderr = process.stderr.read() if process.stderr else ""
        _stop_serve(started)
        pytest.fail(f"watchkeeper serve did not start: {stderr[-2000:]}")
    _wait_healthy(started.url)
    return started


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"gateway at {url} never became healthy")


def _stop_serve(started: ServeProcess) -> None:
    if started.process.poll() is None:
        started.process.kill()
    started.process.wait(timeout=15)
    for stream in (started.process.stdout, started.process.stderr):
        if stream is not None:
            stream.close()


@pytest.fixture
def serve_starter() -> Iterator[Callable[..., ServeProcess]]:
    """Start `watchkeeper serve` processes (`start(home, *args)`); all are killed at the end."""
    started: list[ServeProcess] = []

    def start(home: Path, *extra: str) -> ServeProcess:
        process = _start_serve(home, *extra)
        started.append(process)
        return process

    yield start
    for process in started:
        _stop_serve(process)


@pytest.fixture
def serve_process(
    home: Path, policy_file: Path, serve_starter: Callable[..., ServeProcess]
) -> ServeProcess:
    """A real `watchkeeper serve` process on `home` with the test policy."""
    return serve_starter(home, "--policy", str(policy_file))
