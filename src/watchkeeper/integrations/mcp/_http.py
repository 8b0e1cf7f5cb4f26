"""The streamable-HTTP MCP gateway: a reverse proxy in front of one MCP endpoint.

Every POST body is one JSON-RPC message. A `tools/call` is decided before it is forwarded;
a refused call is answered here with a tool error result (``application/json``, as the
transport allows). Answers from upstream — a JSON body or an SSE stream — are parsed event
by event, recorded and pinned, then relayed unchanged. Each MCP session (`Mcp-Session-Id`)
gets its own guard, so request ids of different clients never mix. An unreachable or
failing upstream is a JSON-RPC error for the client, never a hang.

Requests are handled concurrently: while a `tools/call` waits for a reviewer (the gateway
holds its `ask`), other requests of the same session pass. A held call ends when the
client cancels it — by closing its request (MCP 2026) or by a `notifications/cancelled`
naming it — and is then recorded as cancelled and never forwarded.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from watchkeeper.integrations.mcp._deciding import decide_in_thread
from watchkeeper.integrations.mcp._guard import McpGuard
from watchkeeper.integrations.mcp._messages import (
    INTERNAL_ERROR,
    Message,
    MessageError,
    error_reply,
    parse_message,
)

__all__ = ["MAX_BODY", "mcp_http_app"]

#: Largest request body accepted from a client.
MAX_BODY = 8 * 1024 * 1024
_SESSION = "mcp-session-id"
_HOP_BY_HOP = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "accept-encoding",
        "content-encoding",
        "upgrade",
    }
)


class _Guards:
    """One guard per MCP session id ('' before the server has assigned one)."""

    def __init__(self, factory: Callable[[str], McpGuard]) -> None:
        self._factory = factory
        self._guards: dict[str, McpGuard] = {}
        self._lock = threading.Lock()

    def get(self, session: str) -> McpGuard:
        with self._lock:
            guard = self._guards.get(session)
            if guard is None:
                guard = self._guards[session] = self._factory(session)
            return guard

    def adopt(self, session: str, guard: McpGuard) -> McpGuard:
        """Use `guard` (it holds the initialize exchange) for the session the server assigned."""
        with self._lock:
            return self._guards.setdefault(session, guard)

    def forget(self, session: str) -> None:
        with self._lock:
            self._guards.pop(session, None)


_CallKey = tuple[str, str | int | None]
_CANCELLED = "notifications/cancelled"


class _Calls:
    """`tools/call`s being decided, by session and request id, so a client can cancel one."""

    def __init__(self) -> None:
        self._calls: dict[_CallKey, tuple[threading.Event, asyncio.Future[Any]]] = {}

    async def from_client(
        self, request: Request, guard: McpGuard, session: str, message: Message
    ) -> Response | None:
        """Handle a client message: the response that answers it here, or None to forward it."""
        if message.kind == "request" and message.method == "tools/call":
            answer, abandoned = await self.decide(request, guard, session, message)
            if abandoned:  # MCP sends no answer to a cancelled request; 202 says none follows
                return Response(status_code=202)
        elif await self.cancel(guard, session, message):
            return Response(status_code=202)
        else:
            answer = await run_in_threadpool(guard.from_client, message)
        return None if answer is None else JSONResponse(answer)

    async def decide(
        self, request: Request, guard: McpGuard, session: str, message: Message
    ) -> tuple[dict[str, Any] | None, bool]:
        """Decide `message`; return (its answer, whether the client abandoned it)."""
        cancelled = threading.Event()
        future = decide_in_thread(guard, message, cancelled)
        key = (session, message.id)
        self._calls[key] = (cancelled, future)
        watcher: asyncio.Future[Any] = asyncio.ensure_future(_disconnected(request))
        try:
            await asyncio.wait([future, watcher], return_when=asyncio.FIRST_COMPLETED)
        finally:
            watcher.cancel()
            if self._calls.get(key, (None, None))[1] is future:
                del self._calls[key]
        if future.done():
            return (None, True) if future.cancelled() else (future.result(), False)
        cancelled.set()
        future.cancel()
        await run_in_threadpool(guard.cancelled, message.id, "the MCP client disconnected")
        return None, True

    async def cancel(self, guard: McpGuard, session: str, message: Message) -> bool:
        """Cancel the held call a `notifications/cancelled` names; False if there is none."""
        if message.kind != "notification" or message.method != _CANCELLED:
            return False
        request_id = message.params.get("requestId")
        if not isinstance(request_id, str | int):
            return False
        entry = self._calls.pop((session, request_id), None)
        if entry is None:
            return False
        entry[0].set()
        entry[1].cancel()
        reason = message.params.get("reason")
        text = reason if isinstance(reason, str) else ""
        await run_in_threadpool(guard.cancelled, request_id, text)
        return True


async def _disconnected(request: Request) -> None:
    """Return when the client closes the connection (the body was already read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _forwarded(headers: Any) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}


def mcp_http_app(
    upstream: str, guard_for: Callable[[str], McpGuard], *, timeout: float = 300.0
) -> Starlette:
    """Return an ASGI app proxying every path to `upstream` (the MCP endpoint's URL).

    `guard_for(session_id)` builds the guard for a new MCP session.
    """
    guards = _Guards(guard_for)
    calls = _Calls()
    client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0))

    async def handle(request: Request) -> Response:
        session = request.headers.get(_SESSION, "")
        guard = guards.get(session)
        body = b""
        request_id: Any = None
        is_request = False
        if request.method == "POST":
            body = await request.body()
            if len(body) > MAX_BODY:
                reply = await run_in_threadpool(
                    guard.client_garbage, body[:4096], f"request body over {MAX_BODY} bytes"
                )
                return JSONResponse(reply, status_code=413)
            try:
                message = parse_message(body)
            except MessageError as exc:
                reply = await run_in_threadpool(guard.client_garbage, body, str(exc))
                return JSONResponse(reply, status_code=400)
            is_request, request_id = message.kind == "request", message.id
            answered = await calls.from_client(request, guard, session, message)
            if answered is not None:
                return answered
        outgoing = client.build_request(
            request.method,
            upstream,
            params=request.query_params,
            headers={**_forwarded(request.headers), "accept-encoding": "identity"},
            content=body if body else None,
        )
        try:
            response = await client.send(outgoing, stream=True)
        except httpx.HTTPError as exc:
            reason = f"upstream MCP server unreachable ({type(exc).__name__})"
            replies = await run_in_threadpool(guard.server_gone, reason)
            mine = next((r for r in replies if r.get("id") == request_id), None)
            if is_request:
                return JSONResponse(mine or error_reply(request_id, INTERNAL_ERROR, reason), 502)
            return Response(status_code=502)
        if request.method == "DELETE" and response.status_code < 300:
            guards.forget(session)
        assigned = response.headers.get(_SESSION)
        if assigned and not session:
            guards.forget("")  # the next client's initialize starts from a clean guard
            guard = guards.adopt(assigned, guard)
        headers = _forwarded(response.headers)
        kind = response.headers.get("content-type", "")
        if kind.startswith("text/event-stream"):
            relay = _relay_sse(response, guard, request_id if is_request else None)
            return StreamingResponse(relay, status_code=response.status_code, headers=headers)
        data = await response.aread()
        await response.aclose()
        if kind.startswith("application/json") and data:
            await _observe(guard, data)
        return Response(data, status_code=response.status_code, headers=headers)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await client.aclose()

    routes = [Route("/{path:path}", handle, methods=["GET", "POST", "DELETE"])]
    return Starlette(routes=routes, lifespan=lifespan)


async def _observe(guard: McpGuard, data: bytes) -> None:
    try:
        message = parse_message(data)
    except MessageError as exc:
        await run_in_threadpool(guard.server_garbage, data, str(exc))
        return
    await run_in_threadpool(guard.from_server, message)


async def _relay_sse(
    response: httpx.Response, guard: McpGuard, request_id: Any
) -> AsyncIterator[bytes]:
    """Relay an SSE stream event by event, recording each JSON-RPC message before passing it."""
    pending = b""
    answered = False
    try:
        async for chunk in response.aiter_raw():
            pending += chunk
            while (end := _event_end(pending)) is not None:
                event, pending = pending[:end], pending[end:]
                data = _sse_data(event)
                if data:
                    await _observe(guard, data)
                    answered = answered or _answers(data, request_id)
                yield event
        if pending:
            yield pending
    except httpx.HTTPError as exc:
        reason = f"upstream MCP stream broke ({type(exc).__name__})"
        replies = await run_in_threadpool(guard.server_gone, reason)
        if request_id is not None and not answered:
            mine = next((r for r in replies if r.get("id") == request_id), None)
            reply = mine or error_reply(request_id, INTERNAL_ERROR, reason)
            yield b"event: message\ndata: " + orjson.dumps(reply) + b"\n\n"
    finally:
        await response.aclose()


def _event_end(buffer: bytes) -> int | None:
    """Return the index just past the first complete SSE event in `buffer`, if any."""
    ends = [i + len(sep) for sep in (b"\n\n", b"\r\n\r\n") if (i := buffer.find(sep)) >= 0]
    return min(ends) if ends else None


def _sse_data(event: bytes) -> bytes:
    lines = event.replace(b"\r\n", b"\n").split(b"\n")
    data = [line[5:].removeprefix(b" ") for line in lines if line.startswith(b"data:")]
    return b"\n".join(data)


def _answers(data: bytes, request_id: Any) -> bool:
    try:
        return request_id is not None and parse_message(data).id == request_id
    except MessageError:
        return False
