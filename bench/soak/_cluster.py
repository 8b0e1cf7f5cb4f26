"""The system under test: a fresh PostgreSQL schema, a NATS proxy, gateway and worker processes.

Gateways and workers share one home (`home`: tokens, deployment registry, policy, ledger key,
alert table) and one PostgreSQL ledger (`WATCHKEEPER_DB`, a schema made for the run), as
docs/workers.md prescribes. Every process reaches NATS through a pausable proxy, and its
PostgreSQL connections carry the run's `application_name`, so faults hit this run only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self
from urllib.parse import urlsplit

import httpx
import nats
import psycopg
from nats.js.errors import NotFoundError

from bench.soak._agents import DEPLOYMENT
from bench.soak._config import SoakConfig
from watchkeeper.ledger import upgrade_schema

__all__ = ["Cluster", "ClusterStartError"]

_WATCHKEEPER = (sys.executable, "-c", "from watchkeeper.cli.main import main; main()")
_START_TIMEOUT = 90.0


class ClusterStartError(RuntimeError):
    """A process of the cluster did not come up; its log is named in the message."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """Starts, faults and stops the run's processes; a context manager that always cleans up."""

    def __init__(self, config: SoakConfig, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.name = f"wk_soak_{secrets.token_hex(4)}"
        self.prefix = self.name.replace("_", "-")
        base = config.postgres + ("&" if "?" in config.postgres else "?")
        self.url = f"{base}application_name={self.name}&options=-csearch_path%3D{self.name}"
        self.observer_url = (
            f"{base}application_name={self.name}_observer&options=-csearch_path%3D{self.name}"
        )
        self.home = workdir / "home"
        self.ports = [_free_port() for _ in range(config.gateways)]
        self.proxy_port = _free_port()
        self.token = ""
        self._gateways: list[subprocess.Popen[bytes] | None] = [None] * config.gateways
        self._workers: list[subprocess.Popen[bytes] | None] = [None] * config.workers
        self._proxy: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[bytes]] = []
        self._schema_made = False

    @property
    def gateway_urls(self) -> tuple[str, ...]:
        """The HTTP base url of each gateway."""
        return tuple(f"http://127.0.0.1:{port}" for port in self.ports)

    @property
    def nats_url(self) -> str:
        """The NATS url every process uses: the proxy's."""
        return f"nats://127.0.0.1:{self.proxy_port}"

    def env(self) -> dict[str, str]:
        """The environment of every watchkeeper process of the run."""
        env = {k: v for k, v in os.environ.items() if k not in ("WATCHKEEPER_NATS",)}
        env["WATCHKEEPER_DB"] = self.url
        env["PYTHONUNBUFFERED"] = "1"
        return env

    # ------------------------------------------------------------------ start
    def __enter__(self) -> Self:
        try:
            self._make_schema()
            self._make_home()
            self._start_proxy()
            self.start_gateway(0)
            for index in range(1, self.config.gateways):
                self._spawn_gateway(index)
            for index in range(1, self.config.gateways):
                self._wait_healthy(index)
            for index in range(self.config.workers):
                self.start_worker(index)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _make_schema(self) -> None:
        with psycopg.connect(self.config.postgres, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {self.name}".encode())
        self._schema_made = True
        upgrade_schema(self.url)

    def _make_home(self) -> None:
        self.home.mkdir(mode=0o700, parents=True)
        done = subprocess.run(
            [
                *_WATCHKEEPER,
                "deploy",
                "register",
                DEPLOYMENT,
                "--home",
                str(self.home),
                "--owner",
                "soak",
                "--purpose",
                "load and fault soak",
                "--expires",
                "1d",
            ],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise ClusterStartError(f"registering the soak deployment failed: {done.stderr}")
        self.token = done.stdout.strip().splitlines()[0]

    def _log(self, name: str) -> IO[bytes]:
        handle = (self.workdir / f"{name}.log").open("ab")
        self._logs.append(handle)
        return handle

    def _start_proxy(self) -> None:
        target = urlsplit(self.config.nats)
        log = self._log("nats-proxy")
        self._proxy = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.soak._proxy",
                str(self.proxy_port),
                target.hostname or "127.0.0.1",
                str(target.port or 4222),
            ],
            stdout=subprocess.PIPE,
            stderr=log,
        )
        ready = self._proxy.stdout.readline() if self._proxy.stdout else b""
        if ready.strip() != b"ready":
            raise ClusterStartError(f"the NATS proxy did not start; see {log.name}")

    def _spawn_gateway(self, index: int) -> None:
        log = self._log(f"gateway-{index}")
        self._gateways[index] = subprocess.Popen(
            [
                *_WATCHKEEPER,
                "serve",
                "--home",
                str(self.home),
                "--port",
                str(self.ports[index]),
                "--socket",
                str(self.workdir / f"gateway-{index}.sock"),
                "--nats",
                self.nats_url,
                "--nats-prefix",
                self.prefix,
                "--sweep-interval",
                "0",
                "--approval-timeout",
                "0",
            ],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def _wait_healthy(self, index: int) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        url = f"{self.gateway_urls[index]}/v1/health"
        while time.monotonic() < deadline:
            process = self._gateways[index]
            if process is None or process.poll() is not None:
                break
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url, timeout=2.0).status_code == 200:
                    return
            time.sleep(0.1)
        raise ClusterStartError(
            f"gateway {index} did not become healthy; see {self.workdir}/gateway-{index}.log"
        )

    def start_gateway(self, index: int) -> None:
        """Start gateway `index` on its port and wait until it answers."""
        self._spawn_gateway(index)
        self._wait_healthy(index)

    def start_worker(self, index: int) -> None:
        """Start worker `index` on the shared consumer."""
        log = self._log(f"worker-{index}")
        self._workers[index] = subprocess.Popen(
            [
                *_WATCHKEEPER,
                "worker",
                "--home",
                str(self.home),
                "--nats",
                self.nats_url,
                "--prefix",
                self.prefix,
                "--ack-wait",
                str(self.config.ack_wait),
            ],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    # ------------------------------------------------------------------ faults
    def kill_gateway(self, index: int) -> None:
        """SIGKILL gateway `index`."""
        _kill(self._gateways[index])

    def kill_worker(self, index: int) -> None:
        """SIGKILL worker `index`."""
        _kill(self._workers[index])

    def pause_nats(self) -> None:
        """Stall every NATS connection of the run (the proxy stops moving bytes)."""
        if self._proxy is not None:
            self._proxy.send_signal(signal.SIGUSR1)

    def resume_nats(self) -> None:
        """Let the NATS connections move again."""
        if self._proxy is not None:
            self._proxy.send_signal(signal.SIGUSR2)

    def terminate_backends(self) -> int:
        """Terminate the run's PostgreSQL backends; return how many were terminated."""
        with psycopg.connect(self.observer_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s "
                "AND pid <> pg_backend_pid()",
                (self.name,),
            ).fetchall()
        return sum(1 for (done,) in rows if done)

    def cpu_seconds(self) -> dict[str, float]:
        """Return the CPU seconds used so far by the running gateways, workers and proxy."""
        roles = {
            "gateways": self._gateways,
            "workers": self._workers,
            "NATS proxy": [self._proxy],
        }
        return {role: sum(_cpu(p) for p in procs) for role, procs in roles.items()}

    def consumer_backlog(self) -> int:
        """Return the consumer's pending plus unacknowledged messages (-1 if unreadable)."""
        return asyncio.run(_backlog(self.config.nats, self.prefix))

    # ------------------------------------------------------------------ stop
    def stop_processes(self) -> None:
        """SIGTERM gateways and workers (draining their ledgers), then the proxy."""
        running = [p for p in (*self._gateways, *self._workers) if p is not None]
        for process in running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                _kill(process)
        if self._proxy is not None:
            self.resume_nats()
            self._proxy.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proxy.wait(timeout=10)
            _kill(self._proxy)
            if self._proxy.stdout is not None:
                self._proxy.stdout.close()
            self._proxy = None

    def close(self) -> None:
        """Stop everything, delete the run's stream and drop its schema."""
        try:
            self.stop_processes()
        finally:
            for handle in self._logs:
                handle.close()
            with contextlib.suppress(Exception):
                asyncio.run(_delete_stream(self.config.nats, self.prefix))
            if self._schema_made:
                with psycopg.connect(self.config.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA IF EXISTS {self.name} CASCADE".encode())
                self._schema_made = False


def _cpu(process: subprocess.Popen[bytes] | None) -> float:
    """User + system CPU seconds of a running process, from /proc (0 when gone)."""
    if process is None or process.poll() is not None:
        return 0.0
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _kill(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(timeout=30)


async def _delete_stream(server: str, prefix: str) -> None:
    client = await nats.connect(server, connect_timeout=5, max_reconnect_attempts=0)
    try:
        with contextlib.suppress(NotFoundError):
            await client.jetstream().delete_stream(prefix.upper().replace("-", "_"))
    finally:
        await client.close()


async def _backlog(server: str, prefix: str) -> int:
    try:
        client = await nats.connect(server, connect_timeout=5, max_reconnect_attempts=0)
    except Exception:  # noqa: BLE001 - an unreachable server just means "unknown"
        return -1
    try:
        info = await client.jetstream().consumer_info(
            prefix.upper().replace("-", "_"), f"{prefix}-monitors"
        )
    except Exception:  # noqa: BLE001 - no stream or consumer yet
        return -1
    finally:
        await client.close()
    return int(info.num_pending or 0) + int(info.num_ack_pending or 0)
