"""The stdio MCP gateway: sit between a client and a server it starts, one message per line.

Client → server messages pass through the guard in order (a `tools/call` is decided before
it is forwarded); server → client messages are recorded, then forwarded. Neither side's
garbage stops the proxy: a bad client line gets a JSON-RPC parse error, a bad server line is
recorded and dropped, and when the server dies every unanswered request gets an error reply
and later requests are refused — the client sees failures, never a hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from watchkeeper.integrations.mcp._guard import McpGuard
from watchkeeper.integrations.mcp._messages import (
    INTERNAL_ERROR,
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


class _Proxy:
    def __init__(self, guard: McpGuard, server: asyncio.subprocess.Process, write: Write) -> None:
        self._guard = guard
        self._server = server
        self._write_client = write
        self._server_alive = True
        self._down_reason = ""
        self._server_lock = asyncio.Lock()

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
        answer = await asyncio.to_thread(self._guard.from_client, message)
        if answer is not None:
            await self.reply(answer)
            return
        await self._to_server(line if line.endswith(b"\n") else line + b"\n")

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

    When the client's stream ends, requests already forwarded get up to `drain_timeout`
    seconds to be answered before the server's stdin is closed.
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
