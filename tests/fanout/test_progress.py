"""Progress acks on the real NATS server: sent for held messages only, until released."""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest
from nats.aio.msg import Msg

from tests.fanout._nats import NATS_URL
from watchkeeper.fanout._progress import Progress


async def test_held_messages_get_progress_acks_until_released() -> None:
    """Each held message hears "+WPI" every interval; a released one hears nothing more."""
    client = await nats.connect(NATS_URL)
    heard: dict[str, list[bytes]] = {"a": [], "b": []}
    inbox = f"_t.progress.{uuid.uuid4().hex}"

    async def record(msg: Msg) -> None:
        heard[msg.subject.rsplit(".", 1)[1]].append(msg.data)

    await client.subscribe(f"{inbox}.*", cb=record)
    progress = Progress(0.05)
    a, b = (Msg(_client=client, reply=f"{inbox}.{name}") for name in ("a", "b"))
    progress.hold([a, b])
    beat = asyncio.create_task(progress.run())
    try:
        await asyncio.sleep(0.3)
        progress.release(b)
        await client.flush()
        await asyncio.sleep(0.05)
        b_before = len(heard["b"])
        a_before = len(heard["a"])
        await asyncio.sleep(0.3)
        await client.flush()
        await asyncio.sleep(0.05)
    finally:
        beat.cancel()
        await client.close()
    assert progress.held == 1
    assert b_before >= 3
    assert set(heard["a"]) == set(heard["b"]) == {b"+WPI"}
    assert len(heard["b"]) == b_before, "a released message got more progress acks"
    assert len(heard["a"]) >= a_before + 3


def test_interval_must_be_positive() -> None:
    """A progress interval of zero is refused, naming it."""
    with pytest.raises(ValueError, match=r"`0\.0`"):
        Progress(0.0)
