"""Connecting to NATS and creating (or updating) the stream and the shared consumer."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from watchkeeper.fanout._config import FanoutConfig

__all__ = ["connect", "consumer_config", "ensure_consumer", "ensure_stream"]

_log = logging.getLogger(__name__)


async def _quiet(exc: Exception) -> None:
    """nats-py reports connection trouble here; callers retry, so a debug line is enough."""
    _log.debug("nats: %s: %s", type(exc).__name__, exc)


async def connect(config: FanoutConfig, *, name: str) -> Client:
    """Connect to `config.url`, raising after a few failed attempts (callers retry).

    A dropped connection is re-established a few times by the client itself; after that the
    client closes and the caller's own retry loop takes over, so nothing blocks for ever.
    """
    return await nats.connect(
        config.url,
        name=name,
        connect_timeout=1,
        allow_reconnect=True,
        max_reconnect_attempts=3,
        reconnect_time_wait=0.25,
        error_cb=_quiet,
    )


async def ensure_stream(js: JetStreamContext, config: FanoutConfig) -> None:
    """Create the stream, or bring an existing one's subjects and duplicate window up to date."""
    wanted = StreamConfig(
        name=config.stream,
        subjects=[config.subjects],
        storage=StorageType.FILE,
        duplicate_window=config.duplicate_window,
    )
    try:
        await js.stream_info(config.stream)
    except NotFoundError:
        await js.add_stream(wanted)
        return
    await js.update_stream(wanted)


def consumer_config(config: FanoutConfig) -> ConsumerConfig:
    """The durable pull consumer all workers share: explicit acks, redelivery after `ack_wait`,
    at most `max_ack_pending` messages out with workers at once."""
    return ConsumerConfig(
        durable_name=config.durable,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=config.ack_wait,
        max_ack_pending=config.max_ack_pending,
        # One more than the worker's own limit, so the worker sees the last try and records it.
        max_deliver=config.max_deliveries + 1,
        filter_subject=config.subjects,
    )


async def ensure_consumer(js: JetStreamContext, config: FanoutConfig) -> None:
    """Create the shared durable consumer, or bring an existing one's settings up to date.

    Adding a durable consumer again updates its `ack_wait`, `max_deliver` and
    `max_ack_pending` (nats-server 2.9 and later), so the consumer takes the settings of the
    worker that started last; a change is logged, since workers run with different settings
    keep overriding one another.
    """
    wanted = consumer_config(config)
    try:
        found = (await js.consumer_info(config.stream, config.durable)).config
    except NotFoundError:
        found = None
    if found is not None:
        before = (found.ack_wait, found.max_deliver, found.max_ack_pending)
        after = (wanted.ack_wait, wanted.max_deliver, wanted.max_ack_pending)
        if before != after:
            _log.warning(
                "updating consumer %s: (ack_wait, max_deliver, max_ack_pending) %s -> %s",
                config.durable,
                before,
                after,
            )
    await js.add_consumer(config.stream, wanted)
