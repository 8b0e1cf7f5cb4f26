"""Serving the API on a TCP port and a unix socket at once, with graceful shutdown."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import stat
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI

__all__ = ["GatewaySocketError", "bind_tcp", "bind_unix", "run_server"]

_MAX_UNIX_PATH = 107
_BACKLOG = 2048


class GatewaySocketError(OSError):
    """The gateway cannot listen where asked (address in use, bad socket path)."""


def bind_tcp(host: str, port: int) -> socket.socket:
    """Return a listening TCP socket on `host`:`port` (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this: without it a reply written in two parts waits
        # for the client's delayed ACK (~40 ms per request).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(_BACKLOG)
    except OSError as exc:
        sock.close()
        raise GatewaySocketError(
            f"cannot listen on `{host}:{port}` ({exc.strerror}); pick another --host/--port"
        ) from exc
    return sock


def bind_unix(path: Path) -> socket.socket:
    """Return a listening unix socket at `path`, mode 0600 (owner only).

    A stale socket file left by a crashed gateway is replaced; a live one is an error.
    """
    if len(os.fsencode(path)) > _MAX_UNIX_PATH:
        raise GatewaySocketError(
            f"socket path `{path}` is longer than {_MAX_UNIX_PATH} bytes; pass a shorter --socket"
        )
    _remove_stale(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_umask = os.umask(0o177)
    try:
        sock.bind(os.fspath(path))
        os.chmod(path, 0o600)
        sock.listen(_BACKLOG)
    except OSError as exc:
        sock.close()
        raise GatewaySocketError(
            f"cannot listen on socket `{path}` ({exc.strerror}); pass another --socket"
        ) from exc
    finally:
        os.umask(old_umask)
    return sock


def _remove_stale(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise GatewaySocketError(
            f"`{path}` exists and is not a socket; remove it or pass another --socket"
        )
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(os.fspath(path))
    except ConnectionRefusedError:
        path.unlink()
        return
    finally:
        probe.close()
    raise GatewaySocketError(
        f"socket `{path}` is in use by a running gateway; stop it or pass another --socket"
    )


class _Server(uvicorn.Server):
    """A uvicorn server that calls `before_shutdown` as soon as shutting down begins."""

    def __init__(self, config: uvicorn.Config, before_shutdown: Callable[[], None] | None) -> None:
        super().__init__(config)
        self._before_shutdown = before_shutdown

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._before_shutdown is not None:
            self._before_shutdown()
        await super().shutdown(sockets)


def run_server(
    app: FastAPI,
    sockets: Sequence[socket.socket],
    *,
    before_shutdown: Callable[[], None] | None = None,
) -> None:
    """Serve `app` on `sockets` until SIGTERM or SIGINT, then finish open requests and return.

    Signals are handled only when called from the main thread. `before_shutdown` runs on
    the server's event loop when shutting down begins, before open requests are waited for
    (the approval queue denies held calls there). The sockets are closed (and unix socket
    files removed) on return. The caller closes the pipeline afterwards, which drains the
    ledger.
    """
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        # The gateway is reached directly, never through a proxy: a local client must not
        # be able to rename itself with `X-Forwarded-For` (and the middleware costs time).
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
    server = _Server(config, before_shutdown)
    unix_paths = [sock.getsockname() for sock in sockets if sock.family == socket.AF_UNIX]
    # uvicorn re-raises the signal it caught once it has shut down; with the default handlers
    # that would kill the process before the ledger is drained, so absorb it instead.
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, _absorb) for sig in (signal.SIGTERM, signal.SIGINT)}
    # Everything built so far (modules, schemas, policy, monitors) lives as long as the process;
    # moved out of the collector's reach, full collections under load stop walking it again.
    gc.freeze()
    try:
        server.run(sockets=list(sockets))
    finally:
        gc.unfreeze()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sock in sockets:
            sock.close()
        for unix_path in unix_paths:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(unix_path)


def _absorb(_signum: int, _frame: FrameType | None) -> None:
    """Ignore a signal uvicorn re-raises after it has already shut down for it."""
