"""Deciding a `tools/call` off the event loop, so a held `ask` can be abandoned.

A call the gateway holds for a reviewer can wait minutes. Each decision runs on its own
daemon thread — not a pool, whose slots held calls would use up, and not one that keeps
the process alive when the client has gone. Awaiting the returned future can be cancelled
at any time: the thread is told through `cancelled`, and a verdict that still arrives is
never forwarded (an allow that slipped through is forgotten by the guard).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from watchkeeper.integrations.mcp._guard import McpGuard
from watchkeeper.integrations.mcp._messages import Message

__all__ = ["decide_in_thread"]

Answer = dict[str, Any] | None


def decide_in_thread(
    guard: McpGuard, message: Message, cancelled: threading.Event
) -> asyncio.Future[Answer]:
    """Start `guard.from_client(message)` on a daemon thread; a future for its answer.

    Set `cancelled` and cancel the future to abandon the call.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Answer] = loop.create_future()

    def settle(answer: Answer, error: Exception | None) -> None:
        if future.cancelled():
            if answer is None and error is None:  # allowed just as it was cancelled
                threading.Thread(
                    target=guard.forget,
                    args=(message.id, "the MCP client cancelled the call"),
                    daemon=True,
                ).start()
        elif error is not None:
            future.set_exception(error)
        else:
            future.set_result(answer)

    def run() -> None:
        answer: Answer = None
        error: Exception | None = None
        try:
            answer = guard.from_client(message, cancelled)
        except Exception as exc:  # noqa: BLE001 - handed to whoever awaits the future
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop may already be closed
            loop.call_soon_threadsafe(settle, answer, error)

    threading.Thread(target=run, daemon=True, name="mcp-decide").start()
    return future
