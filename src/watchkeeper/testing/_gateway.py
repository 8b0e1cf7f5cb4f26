"""Run a real gateway in-process for tests: real uvicorn on real sockets; nothing is mocked."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["GatewayStartError", "serve_in_thread"]


class GatewayStartError(RuntimeError):
    """The in-process gateway did not start listening in time."""


@contextlib.contextmanager
def serve_in_thread(
    app: FastAPI, *, socket_path: Path | None = None, start_timeout: float = 10.0
) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port (and `socket_path`, if given).

    Yields the base URL (``http://127.0.0.1:PORT``); the server stops when the block exits.
    """
    import uvicorn

    from watchkeeper.gateway import bind_tcp, bind_unix

    sockets = [bind_tcp("127.0.0.1", 0)]
    if socket_path is not None:
        sockets.append(bind_unix(socket_path))
    port = sockets[0].getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets}, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    try:
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise GatewayStartError(f"gateway on port `{port}` did not start; see its log")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        for sock in sockets:
            sock.close()
