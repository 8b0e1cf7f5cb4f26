"""`MonitorWorker`: pulls events from the shared durable consumer and alerts on them.

Every worker binds the same durable pull consumer, so JetStream hands each message to one of
them (a work queue). A message is acknowledged only after its alerts are durable. While a
worker holds a fetched message it sends in-progress acks for it (`Progress`), so a slow but
live worker keeps it; one whose worker died goes unheard for `ack_wait` and is redelivered to
any worker. A message that keeps failing is negatively acknowledged with a growing delay, and
after `max_deliveries` attempts it is recorded as an `ErrorEvent` and terminated.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from dataclasses import dataclass

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError

from watchkeeper.events import ErrorEvent
from watchkeeper.fanout._alerting import StepAlerter
from watchkeeper.fanout._config import FanoutConfig
from watchkeeper.fanout._message import MessageError, decode
from watchkeeper.fanout._progress import Progress
from watchkeeper.fanout._stream import connect, ensure_consumer, ensure_stream
from watchkeeper.ledger import LedgerStore

__all__ = ["ConsumerStatus", "MonitorWorker", "WorkerStats", "consumer_status"]

_log = logging.getLogger(__name__)
_POISON_WHERE = "fanout.worker"


@dataclass(frozen=True, slots=True)
class ConsumerStatus:
    """The shared consumer's backlog: `pending` is the lag (messages not yet delivered)."""

    stream: str
    consumer: str
    pending: int
    ack_pending: int
    redelivered: int
    delivered: int
    acked: int


@dataclass(frozen=True, slots=True)
class WorkerStats:
    """What one worker has done since it started."""

    processed: int
    alerts: int
    retried: int
    poisoned: int


class MonitorWorker:
    """Consumes `config`'s stream with `alerter` until `run`'s `stop` event is set."""

    def __init__(
        self,
        config: FanoutConfig,
        alerter: StepAlerter,
        ledger: LedgerStore,
        *,
        batch: int = 16,
        fetch_timeout: float = 1.0,
        retry: float = 0.5,
    ) -> None:
        self._config = config
        self._alerter = alerter
        self._ledger = ledger
        self._batch = batch
        self._fetch_timeout = fetch_timeout
        self._retry = retry
        self._processed = self._alerts = self._retried = self._poisoned = 0

    def stats(self) -> WorkerStats:
        """Return counts of processed, alerting, retried and poisoned messages."""
        return WorkerStats(self._processed, self._alerts, self._retried, self._poisoned)

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set, reconnecting whenever NATS goes away."""
        while not stop.is_set():
            client: Client | None = None
            try:
                client = await connect(self._config, name="watchkeeper-worker")
                await self._consume(client, stop)
            except Exception as exc:  # noqa: BLE001 - NATS trouble: wait, reconnect, resume
                _log.warning(
                    "consuming from NATS failed (%s: %s); retrying", type(exc).__name__, exc
                )
                await _wait(stop, self._retry)
            finally:
                if client is not None:
                    await client.close()

    async def _consume(self, client: Client, stop: asyncio.Event) -> None:
        js = client.jetstream()
        await ensure_stream(js, self._config)
        await ensure_consumer(js, self._config)
        sub = await js.pull_subscribe_bind(durable=self._config.durable, stream=self._config.stream)
        progress = Progress(self._config.progress_interval)
        beat = asyncio.create_task(progress.run())
        try:
            while not stop.is_set():
                try:
                    messages = await sub.fetch(self._batch, timeout=self._fetch_timeout)
                except (NatsTimeoutError, TimeoutError):
                    continue
                progress.hold(messages)
                for msg in messages:
                    try:
                        await self._one(msg)
                    finally:
                        progress.release(msg)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            progress.clear()

    async def _one(self, msg: Msg) -> None:
        delivered = msg.metadata.num_delivered
        try:
            published = decode(msg.data, msg.headers)
            outcome = await asyncio.to_thread(
                self._alerter.handle, published, redelivered=delivered > 1
            )
        except Exception as exc:  # noqa: BLE001 - a failing message is retried, then set aside
            await self._failed(msg, delivered, exc)
            return
        await msg.ack()
        self._processed += 1
        self._alerts += len(outcome.alert_ids)

    async def _failed(self, msg: Msg, delivered: int, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if delivered < self._config.max_deliveries:
            _log.warning("message %s failed (attempt %d): %s", _where(msg), delivered, error)
            self._retried += 1
            await msg.nak(delay=min(0.1 * 2**delivered, 10.0))
            return
        try:
            await asyncio.to_thread(self._record_poison, msg, delivered, error, exc)
        except Exception:  # noqa: BLE001 - keep it queued until its failure can be recorded
            _log.exception("recording poison message %s failed", _where(msg))
            await msg.nak(delay=self._retry)
            return
        _log.error("message %s set aside after %d attempts: %s", _where(msg), delivered, error)
        self._poisoned += 1
        await msg.term()

    def _record_poison(self, msg: Msg, delivered: int, error: str, exc: Exception) -> None:
        deployment, session = "local", "fanout"
        if not isinstance(exc, MessageError):
            try:
                event = decode(msg.data, msg.headers).event
                deployment, session = event.deployment_id, event.session_id
            except MessageError:
                pass
        where = _where(msg)
        self._ledger.append(
            [
                ErrorEvent(
                    id="poison-" + hashlib.sha256(where.encode("utf-8")).hexdigest()[:32],
                    deployment_id=deployment,
                    session_id=session,
                    where=_POISON_WHERE,
                    message=f"monitoring message {where} failed {delivered} times and was set "
                    f"aside: {error}",
                    raw=msg.data[:4096].decode("utf-8", "replace"),
                )
            ]
        )


async def consumer_status(config: FanoutConfig) -> ConsumerStatus:
    """Return the shared consumer's backlog (creating stream and consumer if absent)."""
    client = await connect(config, name="watchkeeper-status")
    try:
        js = client.jetstream()
        await ensure_stream(js, config)
        await ensure_consumer(js, config)
        info = await js.consumer_info(config.stream, config.durable)
    finally:
        await client.close()
    return ConsumerStatus(
        stream=config.stream,
        consumer=config.durable,
        pending=info.num_pending or 0,
        ack_pending=info.num_ack_pending or 0,
        redelivered=info.num_redelivered or 0,
        delivered=info.delivered.stream_seq if info.delivered and info.delivered.stream_seq else 0,
        acked=info.ack_floor.stream_seq if info.ack_floor and info.ack_floor.stream_seq else 0,
    )


def _where(msg: Msg) -> str:
    meta = msg.metadata
    return f"`{meta.stream}#{meta.sequence.stream}`"


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
