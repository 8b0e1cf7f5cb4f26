"""The stdio MCP gateway: sit between a client and a server it starts, one message per line.

Client → server messages pass through the guard in order, except that each `tools/call` is
decided in its own task (a held `ask` can wait minutes for a reviewer) while later messages
— pings, other calls, `tools/list`, notifications — pass at once; replies keep their ids.
A `notifications/cancelled` for a call still being decided ends its wait: it is recorded,
never forwarded, and (as MCP allows) not answered. Server → client messages are recorded,
then forwarded. Neither side's garbage stops the proxy: a bad client line gets a JSON-RPC
parse error, a bad server line is recorded and dropped, and when the server dies every
unanswered request gets an error reply and later requests are refused — the client sees
failures, never a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from watchkeeper.integrations.mcp._deciding import decide_in_thread
from watchkeeper.integrations.mcp._guard import McpGuard
from watchkeeper.integrations.mcp._messages import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    Message,
    MessageError,
    error_reply,
    parse_message,
)

__all__ = ["DRAIN_TIMEOUT", "MAX_LINE", "run_stdio_proxy", "serve_stdio"]

#: Longest message accepted from either side (tool results can be large).
MAX_LINE = 32 * 1024 * 1024
_STOP_GRACE = 5.0
#: Seconds the server gets to answer forwarded requests after the client hangs up.
DRAIN_TIMEOUT = 30.0

Write = Callable[[bytes], Awaitable[None]]
_CANCELLED = "notifications/cancelled"


@dataclass(slots=True)
class _Deciding:
    """A `tools/call` waiting for its verdict; `cancelled` tells the deciding thread."""

    task: asyncio.Task[None] | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)


class _Proxy:
    def __init__(self, guard: McpGuard, server: asyncio.subprocess.Process, write: Write) -> None:
        self._guard = guard
        self._server = server
        self._write_client = write
        self._server_alive = True
        self._down_reason = ""
        self._server_lock = asyncio.Lock()
        self._deciding: dict[str | int | None, _Deciding] = {}
        self._tasks: set[asyncio.Task[None]] = set()  # running calls, kept from the collector

    async def reply(self, body: dict[str, Any]) -> None:
        await self._write_client(orjson.dumps(body) + b"\n")

    async def pump_client(self, reader: asyncio.StreamReader) -> None:
        while True:
            try:
                line = await reader.readline()
            except ValueError:
                await self.reply(self._guard.client_garbage(b"", f"message over {MAX_LINE} bytes"))
                continue
            if not line:
                return
            if line.strip():
                await self._from_client(line)

    async def _from_client(self, line: bytes) -> None:
        try:
            message = parse_message(line)
        except MessageError as exc:
            await self.reply(await asyncio.to_thread(self._guard.client_garbage, line, str(exc)))
            return
        if not self._server_alive:
            if message.kind == "request":
                text = f"MCP server is not running ({self._down_reason})"
                await self.reply(error_reply(message.id, INTERNAL_ERROR, text))
            return
        if message.kind == "request" and message.method == "tools/call":
            await self._start_call(message, line)
            return
        if await self._cancel(message):
            return
        if self._guard.from_client(message) is None:  # only calls are ever answered here
            await self._to_server(line if line.endswith(b"\n") else line + b"\n")

    async def _start_call(self, message: Message, line: bytes) -> None:
        if message.id in self._deciding:
            text = f"request id `{message.id}` is already in use by a call being decided"
            await self.reply(error_reply(message.id, INVALID_REQUEST, text))
            return
        deciding = _Deciding()
        self._deciding[message.id] = deciding
        deciding.task = asyncio.create_task(self._call(message, line, deciding))
        self._tasks.add(deciding.task)
        deciding.task.add_done_callback(self._tasks.discard)

    async def _call(self, message: Message, line: bytes, deciding: _Deciding) -> None:
        try:
            answer = await decide_in_thread(self._guard, message, deciding.cancelled)
        except Exception as exc:  # noqa: BLE001 - the client gets an error, never a hang
            text = f"watchkeeper MCP gateway could not decide the call: {exc}"
            answer = error_reply(message.id, INTERNAL_ERROR, text)
        finally:
            if self._deciding.get(message.id) is deciding:
                del self._deciding[message.id]
        if answer is not None:
            await self.reply(answer)
        elif not self._server_alive:
            why = f"MCP server is not running ({self._down_reason})"
            forgotten = await asyncio.to_thread(self._guard.forget, message.id, why)
            if forgotten is not None:
                await self.reply(forgotten)
        else:
            await self._to_server(line if line.endswith(b"\n") else line + b"\n")

    async def _cancel(self, message: Message) -> bool:
        """Stop waiting for a call the client cancelled; False for any other message."""
        if message.kind != "notification" or message.method != _CANCELLED:
            return False
        request_id = message.params.get("requestId")
        deciding = (
            self._deciding.pop(request_id, None) if isinstance(request_id, str | int) else None
        )
        if deciding is None or deciding.task is None:
            return False
        deciding.cancelled.set()
        deciding.task.cancel()
        reason = message.params.get("reason")
        text = reason if isinstance(reason, str) else ""
        await asyncio.to_thread(self._guard.cancelled, request_id, text)
        return True

    async def cancel_all(self, reason: str) -> None:
        """Stop every call still being decided (the client is gone), recording each."""
        for request_id, deciding in list(self._deciding.items()):
            self._deciding.pop(request_id, None)
            deciding.cancelled.set()
            if deciding.task is not None:
                deciding.task.cancel()
            await asyncio.to_thread(self._guard.cancelled, request_id, reason)

    async def _to_server(self, line: bytes) -> None:
        stdin = self._server.stdin
        if stdin is None:
            return
        async with self._server_lock:
            try:
                stdin.write(line)
                await stdin.drain()
            except (BrokenPipeError, ConnectionResetError):
                return  # the server pump sees the exit and answers what is pending

    async def pump_server(self) -> None:
        stdout = self._server.stdout
        if stdout is None:
            return
        while True:
            try:
                line = await stdout.readline()
            except ValueError:
                self._guard.server_garbage(b"", f"message over {MAX_LINE} bytes")
                continue
            if not line:
                break
            if not line.strip():
                continue
            try:
                message = parse_message(line)
            except MessageError as exc:
                await asyncio.to_thread(self._guard.server_garbage, line, str(exc))
                continue
            await asyncio.to_thread(self._guard.from_server, message)
            await self._write_client(line if line.endswith(b"\n") else line + b"\n")
        code = await self._server.wait()
        self._server_alive = False
        self._down_reason = f"exit status {code}"
        for body in await asyncio.to_thread(self._guard.server_gone, self._down_reason):
            await self.reply(body)

    async def drain(self, timeout: float) -> None:
        """Wait (up to `timeout` s) for the server to answer what the client already sent."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._deciding:
            if asyncio.get_running_loop().time() >= deadline:
                return
            await asyncio.sleep(0.02)
        while self._server_alive and self._guard.unanswered():
            if asyncio.get_running_loop().time() >= deadline:
                return
            await asyncio.sleep(0.02)

    async def close_server(self) -> int:
        if self._server.stdin is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
                self._server.stdin.close()
        try:
            return await asyncio.wait_for(self._server.wait(), _STOP_GRACE)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self._server.terminate()
            try:
                return await asyncio.wait_for(self._server.wait(), _STOP_GRACE)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self._server.kill()
                return await self._server.wait()


async def run_stdio_proxy(
    command: list[str],
    guard: McpGuard,
    reader: asyncio.StreamReader,
    write: Write,
    *,
    drain_timeout: float = DRAIN_TIMEOUT,
) -> int:
    """Start `command`, proxy until the client's stream ends; return the server's exit status.

    When the client's stream ends, calls still being decided and requests already forwarded
    get up to `drain_timeout` seconds (together) to be answered before the server's stdin
    is closed; calls still undecided then are abandoned and recorded as cancelled.
    """
    server = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=MAX_LINE,
    )
    await asyncio.to_thread(guard.started, command)
    proxy = _Proxy(guard, server, write)
    server_task = asyncio.create_task(proxy.pump_server())
    try:
        await proxy.pump_client(reader)
        await proxy.drain(drain_timeout)
    finally:
        await proxy.cancel_all("the MCP client closed its stream before the verdict")
        code = await proxy.close_server()
        await server_task
    return code


def _feed(reader: asyncio.StreamReader, loop: asyncio.AbstractEventLoop) -> None:
    """Copy this process's stdin into `reader` (a thread: stdin may be a pipe, file or tty)."""
    fd = sys.stdin.fileno()
    try:
        while chunk := os.read(fd, 65536):
            loop.call_soon_threadsafe(reader.feed_data, chunk)
    except (OSError, ValueError):
        pass
    with contextlib.suppress(RuntimeError):  # the loop may already be closed
        loop.call_soon_threadsafe(reader.feed_eof)


def _write_all(data: bytes) -> None:
    stdout = sys.stdout.buffer
    stdout.write(data)
    stdout.flush()


async def _serve(command: list[str], guard: McpGuard) -> int:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE)
    threading.Thread(target=_feed, args=(reader, loop), daemon=True, name="mcp-stdin").start()
    lock = asyncio.Lock()

    async def write(data: bytes) -> None:
        async with lock:
            await asyncio.to_thread(_write_all, data)

    task = asyncio.current_task()
    for signum in (signal.SIGTERM, signal.SIGINT):
        if task is not None:
            loop.add_signal_handler(signum, task.cancel)
    try:
        return await run_stdio_proxy(command, guard, reader, write)
    except asyncio.CancelledError:
        return 128 + signal.SIGTERM


def serve_stdio(command: list[str], guard: McpGuard) -> int:
    """Proxy this process's stdin/stdout to `command`; return the server's exit status."""
    return asyncio.run(_serve(command, guard))
