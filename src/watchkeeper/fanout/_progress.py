"""`Progress`: a live worker's heartbeat on the messages it holds, so only a dead one's redeliver.

JetStream redelivers a message `ack_wait` seconds after delivering it unless it hears from the
worker holding it. A worker keeps every message it has fetched but not yet acknowledged,
negatively acknowledged or terminated in its `Progress`, which sends an in-progress ack
("+WPI", which restarts the message's `ack_wait`) for each of them every `interval` seconds.
So `ack_wait` can be short (a killed worker's messages come back within about `ack_wait`)
while a slow but live worker keeps its messages for as long as it needs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from nats.aio.msg import Msg

__all__ = ["Progress"]

_log = logging.getLogger(__name__)


class Progress:
    """The messages one worker holds, and the task that tells JetStream it still works on them."""

    def __init__(self, interval: float) -> None:
        if interval <= 0.0:
            raise ValueError(f"progress interval `{interval}` is not positive; pass seconds > 0")
        self._interval = interval
        self._held: dict[str, Msg] = {}

    @property
    def held(self) -> int:
        """How many messages the worker holds unacknowledged."""
        return len(self._held)

    def hold(self, messages: Iterable[Msg]) -> None:
        """Start sending progress for `messages` (just fetched)."""
        for msg in messages:
            self._held[msg.reply] = msg

    def release(self, msg: Msg) -> None:
        """Stop sending progress for `msg` (about to be acked, nak'd or terminated)."""
        self._held.pop(msg.reply, None)

    def clear(self) -> None:
        """Forget every held message (the connection they came on is gone)."""
        self._held.clear()

    async def run(self) -> None:
        """Send an in-progress ack for every held message each `interval` seconds, until cancelled.

        A failed send is left to the worker's own loop, which notices the broken connection;
        the message is then redelivered after `ack_wait`, as for a dead worker.
        """
        while True:
            await asyncio.sleep(self._interval)
            for msg in list(self._held.values()):
                try:
                    await msg.in_progress()
                except Exception as exc:  # noqa: BLE001 - the consume loop handles a lost link
                    _log.debug("progress ack failed (%s: %s)", type(exc).__name__, exc)
                    break
