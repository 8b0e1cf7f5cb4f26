"""Reading and cleaning up JetStream state in tests, from any thread (own event loop)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import nats
from nats.js.errors import NotFoundError

from watchkeeper.fanout import FanoutConfig

T = TypeVar("T")

NATS_URL = "nats://127.0.0.1:4222"


def run(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on a fresh loop in a helper thread."""

    async def main() -> T:
        return await make()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result(timeout=30)


def stream_ids(config: FanoutConfig) -> list[str]:
    """Return the `Nats-Msg-Id` of every message in the stream, in stream order."""

    async def read() -> list[str]:
        client = await nats.connect(NATS_URL)
        try:
            js = client.jetstream()
            try:
                info = await js.stream_info(config.stream)
            except NotFoundError:
                return []
            ids = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                msg = await js.get_msg(config.stream, seq)
                ids.append((msg.headers or {}).get("Nats-Msg-Id", ""))
            return ids
        finally:
            await client.close()

    return run(read)


def stream_count(config: FanoutConfig) -> int:
    """Return how many messages the stream holds (0 when it does not exist yet)."""

    async def count() -> int:
        client = await nats.connect(NATS_URL)
        try:
            return (await client.jetstream().stream_info(config.stream)).state.messages
        except NotFoundError:
            return 0
        finally:
            await client.close()

    return run(count)


def delete_stream(config: FanoutConfig) -> None:
    """Delete the test's stream (and so its consumers) if it exists."""

    async def delete() -> None:
        client = await nats.connect(NATS_URL)
        try:
            await client.jetstream().delete_stream(config.stream)
        except NotFoundError:
            pass
        finally:
            await client.close()

    run(delete)


def publish_raw(config: FanoutConfig, body: bytes, headers: dict[str, str]) -> None:
    """Publish a message to the stream by hand (for messages no publisher would send)."""

    async def publish() -> None:
        client = await nats.connect(NATS_URL)
        try:
            js = client.jetstream()
            from watchkeeper.fanout._stream import ensure_stream

            await ensure_stream(js, config)
            await js.publish(config.subject("local"), body, headers=headers)
        finally:
            await client.close()

    run(publish)


def wait_until(check: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    """Poll `check` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
