"""Following the ledger and publishing every committed event to JetStream, in order.

One publisher per ledger publishes at a time: it holds the ledger's `PublisherLease` (an
advisory lock for PostgreSQL, a `flock` for SQLite), and every other gateway's publisher
stands by, trying the lease every `standby` seconds. When the holder dies its lease is freed,
a standby takes it and resumes from the shared cursor.

The publisher reads committed events after its cursor, publishes them with `Nats-Msg-Id` set
to the event id, and moves the cursor only past events JetStream acknowledged. A crash between
publishing and saving the cursor republishes a few events, which JetStream drops as duplicates;
an unreachable server only makes the publisher fall behind, and it catches up when it can.
Nothing on the decision path waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from nats.aio.client import Client
from nats.js import JetStreamContext

from watchkeeper.events import Event
from watchkeeper.fanout._config import FanoutConfig
from watchkeeper.fanout._cursor import cursor_path
from watchkeeper.fanout._lease import FileLease, LeaseLostError, PublisherLease
from watchkeeper.fanout._message import encode
from watchkeeper.fanout._stream import connect, ensure_stream

__all__ = ["EventSource", "LedgerPublisher", "cursor_path"]

_log = logging.getLogger(__name__)


class _Head(Protocol):
    @property
    def seq(self) -> int: ...


class EventSource(Protocol):
    """What the publisher reads: committed events in order and the committed head."""

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]: ...

    def head(self) -> _Head: ...


class LedgerPublisher:
    """Publishes `source`'s events to JetStream from its own thread and event loop.

    `lease` is the ledger's `PublisherLease`; a path means a `FileLease` on that cursor file.
    `start()` begins (standing by while another process holds the lease); `close()` makes a
    last bounded attempt to catch up, then stops the thread, closes the connection and
    releases the lease. `lag()` is how many committed events are not yet acknowledged by
    JetStream, as far as the shared cursor says.
    """

    def __init__(
        self,
        source: EventSource,
        config: FanoutConfig,
        lease: PublisherLease | Path,
        *,
        batch: int = 256,
        poll: float = 0.05,
        retry: float = 0.5,
        publish_timeout: float = 5.0,
        standby: float = 1.0,
    ) -> None:
        self._source = source
        self._config = config
        self._lease: PublisherLease = FileLease(lease) if isinstance(lease, Path) else lease
        self._published = self._lease.load()
        self._batch = batch
        self._poll = poll
        self._retry = retry
        self._timeout = publish_timeout
        self._standby = standby
        self._holding = threading.Event()
        self._sent = 0
        self._stopping = threading.Event()
        self._deadline = float("inf")
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wk-fanout-publisher", daemon=True)
        self._failures = 0

    @property
    def published_seq(self) -> int:
        """The sequence number up to which every event is acknowledged by JetStream."""
        return self._published

    @property
    def failures(self) -> int:
        """How many publish or connect attempts have failed so far."""
        return self._failures

    @property
    def publishing(self) -> bool:
        """Whether this publisher holds the ledger's lease (others stand by)."""
        return self._holding.is_set()

    @property
    def sent(self) -> int:
        """How many events this publisher had acknowledged by JetStream since it started."""
        return self._sent

    @property
    def connected(self) -> bool:
        """Whether the publisher has a connection with a ready stream."""
        return self._connected.is_set()

    def lag(self) -> int:
        """Return how many committed ledger events JetStream has not acknowledged yet."""
        return max(self._source.head().seq - self._published, 0)

    def start(self) -> Self:
        """Start publishing in the background; return self."""
        self._thread.start()
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Stop after a last attempt (bounded by `timeout`) to publish what is committed."""
        self._deadline = time.monotonic() + timeout
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout + self._timeout + 3.0)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        try:
            while not self._stopping.is_set():
                if await self._take_lease():
                    await self._publish_while_held()
        finally:
            self._holding.clear()
            self._lease.release()

    async def _take_lease(self) -> bool:
        """Hold the lease (loading the shared cursor), or wait `standby` seconds and say no."""
        try:
            if self._lease.acquire():
                if not self._holding.is_set():
                    self._published = self._lease.load()
                    self._holding.set()
                    _log.info("publishing ledger events to NATS (lease `%s`)", self._lease.where)
                return True
            self._published = self._lease.load()
        except Exception as exc:  # noqa: BLE001 - the lease's store is away: stand by, retry
            self._failures += 1
            _log.warning(
                "publisher lease `%s` unavailable (%s: %s); standing by",
                self._lease.where,
                type(exc).__name__,
                exc,
            )
        self._holding.clear()
        waited = 0.0
        while waited < self._standby and not self._stopping.is_set():
            await asyncio.sleep(0.05)
            waited += 0.05
        return False

    async def _publish_while_held(self) -> None:
        client: Client | None = None
        try:
            client = await connect(self._config, name="watchkeeper-publisher")
            await ensure_stream(client.jetstream(), self._config)
            self._connected.set()
            await self._follow(client)
        except LeaseLostError as exc:
            self._holding.clear()
            _log.warning("%s; standing by", exc)
        except Exception as exc:  # noqa: BLE001 - any NATS trouble: wait, reconnect, resume
            self._failures += 1
            _log.warning("publishing to NATS failed (%s: %s); retrying", type(exc).__name__, exc)
            await asyncio.sleep(self._retry)
        finally:
            self._connected.clear()
            if client is not None:
                await _close(client)

    async def _follow(self, client: Client) -> None:
        js = client.jetstream()
        checked = time.monotonic()
        while True:
            stopping = self._stopping.is_set()
            if stopping and time.monotonic() > self._deadline:
                return
            if time.monotonic() - checked >= self._standby:
                if not self._lease.held():
                    raise LeaseLostError(f"publisher lease `{self._lease.where}` was lost")
                checked = time.monotonic()
            sent = await self._publish_batch(js)
            if stopping and sent == 0:
                return
            if sent == 0:
                await asyncio.sleep(self._poll)

    async def _publish_batch(self, js: JetStreamContext) -> int:
        batch = list(self._source.events(after_seq=self._published, limit=self._batch))
        if not batch:
            return 0
        pending = [
            js.publish(
                self._config.subject(event.deployment_id),
                body,
                timeout=self._timeout,
                stream=self._config.stream,
                headers=headers,
            )
            for seq, event in batch
            for body, headers in [encode(seq, event)]
        ]
        results = await asyncio.gather(*pending, return_exceptions=True)
        done = 0
        for result in results:
            if isinstance(result, BaseException):
                break
            done += 1
        if done:
            self._sent += done
            self._published = batch[done - 1][0]
            self._lease.save(self._published)
        if done < len(batch):
            failed = results[done]
            raise failed if isinstance(failed, Exception) else RuntimeError(str(failed))
        return done


async def _close(client: Client) -> None:
    try:
        await asyncio.wait_for(client.close(), timeout=2.0)
    except Exception:  # noqa: BLE001 - closing a broken connection may fail; nothing to keep
        _log.debug("closing the NATS connection failed", exc_info=True)
