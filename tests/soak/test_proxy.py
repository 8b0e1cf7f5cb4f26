"""The pausable NATS stand-in: a paused proxy moves no bytes until it is resumed."""

from __future__ import annotations

import signal
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def proxy() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A proxy process in front of an echo server; yields it and its port."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = str(server.server_address[1])
    command = [sys.executable, "-m", "bench.soak._proxy", str(port), "127.0.0.1", target]
    process = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == b"ready"
    yield process, port
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()
    server.shutdown()
    server.server_close()


def test_paused_proxy_holds_bytes_until_resumed(
    proxy: tuple[subprocess.Popen[bytes], int],
) -> None:
    """Bytes sent while the proxy is paused arrive only after it is resumed."""
    process, port = proxy
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"one")
        assert conn.recv(16) == b"one"
        process.send_signal(signal.SIGUSR1)
        conn.settimeout(0.5)
        conn.sendall(b"two")
        with pytest.raises(TimeoutError):
            conn.recv(16)
        process.send_signal(signal.SIGUSR2)
        conn.settimeout(5)
        assert conn.recv(16) == b"two"
