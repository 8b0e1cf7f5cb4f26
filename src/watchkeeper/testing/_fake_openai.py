"""A fake LLM endpoint that speaks the OpenAI-compatible chat completions protocol over HTTP.

It is a real HTTP server on a loopback port: clients (ours, or any OpenAI-compatible SDK)
talk to it exactly as they would to OpenAI, vLLM, Ollama or a llama.cpp server. What it
answers is scripted: a queue of `FakeReply` values, or a function of the request. Replies can
be slow, fail with an HTTP error in OpenAI's error format, or carry any content, so tests
can exercise timeouts, errors and hostile output. Every request is kept for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

__all__ = ["FakeOpenAI", "FakeReply", "ReceivedRequest"]


@dataclass(frozen=True, slots=True)
class FakeReply:
    """One scripted answer: `content` of the assistant message, or an HTTP error.

    `delay` seconds pass before the reply is sent; `status` other than 200 sends OpenAI's
    error body with `error_message`; `prompt_tokens`/`completion_tokens` fill `usage`.
    """

    content: str = ""
    status: int = 200
    error_message: str = "fake error"
    delay: float = 0.0
    prompt_tokens: int = 10
    completion_tokens: int = 5


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    """A request the fake received: path, headers (lower-case names) and parsed JSON body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)


Responder = Callable[[dict[str, Any]], FakeReply]


class FakeOpenAI:
    """An OpenAI-compatible server on ``127.0.0.1``; use as a context manager.

    ``base_url`` is ``http://127.0.0.1:PORT/v1``. Answers come from `replies` in order (the
    last one repeats when the queue runs dry), or from `responder(request_body)` when given.
    With `api_key`, requests without ``Authorization: Bearer <api_key>`` get 401.
    """

    def __init__(
        self,
        replies: list[FakeReply] | None = None,
        *,
        responder: Responder | None = None,
        model: str = "fake-judge",
        api_key: str | None = None,
    ) -> None:
        self._replies: deque[FakeReply] = deque(replies or [FakeReply("{}")])
        self._responder = responder
        self.model = model
        self.api_key = api_key
        self.requests: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The URL clients use as their OpenAI base URL (ends in ``/v1``)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> None:
        """Start serving in a background thread."""
        self._thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _next(self, body: dict[str, Any]) -> FakeReply:
        if self._responder is not None:
            return self._responder(body)
        with self._lock:
            return self._replies.popleft() if len(self._replies) > 1 else self._replies[0]

    def _keep(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _handler_for(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet: tests read `requests`, not the server log."""

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                self._error(404, f"no route `{self.path}`", "invalid_request_error")
                return
            if not self._authorised():
                return
            model = {"id": fake.model, "object": "model", "created": 0, "owned_by": "fake"}
            self._json(200, {"object": "list", "data": [model]})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                fake._keep(ReceivedRequest(self.path, headers))
                self._error(400, "request body is not valid JSON", "invalid_request_error")
                return
            fake._keep(ReceivedRequest(self.path, headers, body if isinstance(body, dict) else {}))
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, f"no route `{self.path}`", "invalid_request_error")
                return
            if not self._authorised():
                return
            if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                self._error(400, "`messages` is required", "invalid_request_error")
                return
            if body.get("stream"):
                self._error(400, "streaming is not supported by the fake", "invalid_request_error")
                return
            reply = fake._next(body)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.status != 200:
                self._error(reply.status, reply.error_message, "server_error")
                return
            self._json(200, _completion(body, reply, fake.model))

        def _authorised(self) -> bool:
            if fake.api_key is None:
                return True
            if self.headers.get("authorization") == f"Bearer {fake.api_key}":
                return True
            self._error(401, "incorrect API key provided", "invalid_request_error")
            return False

        def _error(self, status: int, message: str, kind: str) -> None:
            self._json(status, {"error": {"message": message, "type": kind, "code": None}})

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. its timeout passed); nothing to tell it

    return Handler


def _completion(body: dict[str, Any], reply: FakeReply, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model") or model),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
            "total_tokens": reply.prompt_tokens + reply.completion_tokens,
        },
    }
