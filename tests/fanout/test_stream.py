"""The stream and the shared consumer on the real NATS server: created, and kept up to date."""

from __future__ import annotations

import logging

import nats
import pytest
from nats.js.api import ConsumerConfig

from tests.fanout._nats import run
from watchkeeper.fanout import FanoutConfig
from watchkeeper.fanout._stream import consumer_config, ensure_consumer, ensure_stream


async def _ensure_and_read(config: FanoutConfig) -> ConsumerConfig:
    client = await nats.connect(config.url)
    try:
        js = client.jetstream()
        await ensure_stream(js, config)
        await ensure_consumer(js, config)
        info = await js.consumer_info(config.stream, config.durable)
        found: ConsumerConfig = info.config
        return found
    finally:
        await client.close()


def test_new_consumer_has_the_configured_redelivery_settings(config: FanoutConfig) -> None:
    """A fresh consumer gets the config's ack wait, ack-pending bound and delivery limit."""
    made = run(lambda: _ensure_and_read(config))
    assert (made.ack_wait, made.max_ack_pending, made.max_deliver) == (
        config.ack_wait,
        config.max_ack_pending,
        config.max_deliveries + 1,
    )


def test_restarted_worker_updates_an_existing_consumer(
    config: FanoutConfig, caplog: pytest.LogCaptureFixture
) -> None:
    """A consumer made with a 30 s ack wait takes the 1 s of the next worker, with a warning."""
    old = config.model_copy(update={"ack_wait": 30.0, "max_ack_pending": 1000})
    assert run(lambda: _ensure_and_read(old)).ack_wait == 30.0
    new = config.model_copy(update={"ack_wait": 1.0, "max_ack_pending": 64})
    with caplog.at_level(logging.WARNING, logger="watchkeeper.fanout._stream"):
        updated = run(lambda: _ensure_and_read(new))
    assert (updated.ack_wait, updated.max_ack_pending) == (1.0, 64)
    assert "updating consumer" in caplog.text


def test_unchanged_consumer_is_not_reported(
    config: FanoutConfig, caplog: pytest.LogCaptureFixture
) -> None:
    """Starting a worker with the consumer's own settings logs no update."""
    run(lambda: _ensure_and_read(config))
    with caplog.at_level(logging.WARNING, logger="watchkeeper.fanout._stream"):
        again = run(lambda: _ensure_and_read(config))
    assert again.ack_wait == consumer_config(config).ack_wait
    assert "updating consumer" not in caplog.text
