"""A loopback TCP proxy that a test can cut, to play a database server that went away.

It can also lose one reply: after the client sends a marker (say the bytes of `COMMIT`), the
server's answers are swallowed and, shortly after, the connection is dropped, so the client
cannot know whether its commit happened.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

_CHUNK = 65536


class TcpProxy:
    """Forward connections on a free local port to `host:port` until `cut()`."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._retired: list[socket.socket] = []  # reset, closed by `cut`
        self._marker: bytes | None = None
        self._swallowing = threading.Event()
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            client.settimeout(None)
            upstream = socket.create_connection(self._target)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink, upward in ((client, upstream, True), (upstream, client, False)):
                thread = threading.Thread(
                    target=self._pump, args=(source, sink, upward), daemon=True
                )
                self._threads.append(thread)
                thread.start()

    def _pump(self, source: socket.socket, sink: socket.socket, upward: bool) -> None:
        try:
            while data := source.recv(_CHUNK):
                if not upward and self._swallowing.is_set():
                    continue
                if upward and self._marker is not None and self._marker in data:
                    # Swallow before forwarding: the server's reply must not slip through
                    # between this send and the flag (a loaded machine made that happen).
                    self._marker = None
                    self._swallowing.set()
                    threading.Timer(0.3, self.reset).start()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def lose_reply_after(self, marker: bytes) -> None:
        """Swallow the server's replies once the client sends `marker`, then `reset()`."""
        self._marker = marker

    def reset(self) -> None:
        """Drop every forwarded connection but keep accepting new ones."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
            self._retired += sockets
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._swallowing.clear()

    def cut(self) -> None:
        """Stop listening and drop every forwarded connection, as a dead server would."""
        self._stop.set()
        self._accepting.join()
        self._listener.close()
        with self._lock:
            sockets = self._sockets + self._retired
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        for sock in sockets:
            sock.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._stop.is_set():
            self.cut()
