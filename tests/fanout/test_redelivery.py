"""Redelivery timing against the real NATS server: a dead worker's messages come back fast,
a slow live worker's never do."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nats
import pytest

from tests.fanout._nats import run, stream_count, wait_until
from tests.fanout._sessions import exfiltration
from tests.fanout.conftest import home_lease
from watchkeeper.alerts import AlertStore
from watchkeeper.events import AlertEvent
from watchkeeper.fanout import (
    FanoutConfig,
    LedgerPublisher,
    MonitorWorker,
    Published,
    StepAlerter,
    StepOutcome,
    consumer_status,
    open_worker,
)
from watchkeeper.ledger import LedgerStore
from watchkeeper.monitors import build_monitors, default_monitors_config
from watchkeeper.normalize import Normalizer

_REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures("ledger_backend")


@pytest.fixture
def short(config: FanoutConfig) -> FanoutConfig:
    """The test's fan-out with a one-second ack wait (the worker default)."""
    return config.model_copy(update={"ack_wait": 1.0})


async def _drained(config: FanoutConfig) -> bool:
    status = await consumer_status(config)
    return status.pending == 0 and status.ack_pending == 0


async def _redeliveries(config: FanoutConfig) -> int:
    """Deliveries beyond the first of each message, so far (the consumer counts every one)."""
    client = await nats.connect(config.url)
    try:
        info = await client.jetstream().consumer_info(config.stream, config.durable)
    finally:
        await client.close()
    return (info.delivered.consumer_seq or 0) - (info.delivered.stream_seq or 0)


class _SlowAlerter(StepAlerter):
    """An alerter whose monitors take `seconds` on every event; it counts its calls."""

    def __init__(self, ledger: LedgerStore, seconds: float) -> None:
        config = default_monitors_config()
        super().__init__(
            build_monitors(config), config, normalize=Normalizer().tool_call, ledger=ledger
        )
        self.seconds = seconds
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def handle(self, published: Published, *, redelivered: bool = False) -> StepOutcome:
        with self._lock:
            self.calls.append(published.event.id)
        time.sleep(self.seconds)
        return super().handle(published, redelivered=redelivered)


def test_killed_worker_messages_reach_another_worker_within_about_ack_wait(
    home: Path, ledger: LedgerStore, short: FanoutConfig
) -> None:
    """A worker SIGKILLed mid-batch strands its messages for about `ack_wait`, not 30 s."""
    with LedgerPublisher(ledger, short, home_lease(home, short)) as publisher:
        for n in range(10):
            ledger.append(exfiltration(f"s{n}"))
        wait_until(lambda: publisher.lag() == 0, what="the publish")
        env = {**os.environ, "PYTHONPATH": str(_REPO), "WK_TEST_DIE_AT": "4"}
        command = [sys.executable, "-m", "tests.fanout._worker_dies", "--nats", short.url]
        command += ["--home", str(home), "--prefix", short.prefix, "--ack-wait", "1.0"]
        with open_worker(home, short) as survivor:
            dying = subprocess.run(
                command, cwd=_REPO, env=env, capture_output=True, text=True, timeout=60, check=False
            )
            killed = time.monotonic()
            assert dying.returncode == -signal.SIGKILL, dying.stderr

            async def survive() -> float:
                stop = asyncio.Event()
                task = asyncio.create_task(survivor.run(stop))
                while not await _drained(short) and time.monotonic() - killed < 20.0:
                    await asyncio.sleep(0.05)
                drained = time.monotonic() - killed
                stop.set()
                await task
                return drained

            took = run(survive)
            processed = survivor.stats().processed
    assert took < 3.0, f"the survivor drained the queue {took:.2f} s after the kill"
    # The dead worker acked seqs 1-3 and died holding the rest of its batch; all else is the
    # survivor's, the redelivered batch included, except what the publisher sent after the
    # survivor stopped (the alerts it wrote last), which is still waiting for a worker.
    waiting = run(lambda: consumer_status(short)).pending
    assert processed == stream_count(short) - 3 - waiting
    assert run(lambda: _redeliveries(short)) > 0
    alerts = [e for _, e in ledger.events() if isinstance(e, AlertEvent)]
    assert sorted(e.session_id for e in alerts) == sorted(f"s{n}" for n in range(10))
    with AlertStore(home / "alerts.db") as table:
        assert sorted(a.count for a in table.list()) == [1] * 10


async def test_live_worker_slower_than_ack_wait_keeps_its_message(
    home: Path, ledger: LedgerStore, short: FanoutConfig
) -> None:
    """A worker taking 2.5 s on a message (ack wait 1 s) keeps it: no second worker runs it."""
    with LedgerPublisher(ledger, short, home_lease(home, short)) as publisher:
        ledger.append(exfiltration("s1")[:1])
        while publisher.lag():
            await asyncio.sleep(0.05)
    slow = _SlowAlerter(ledger, 2.5)
    workers = [MonitorWorker(short, slow, ledger, batch=1) for _ in range(2)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(w.run(stop)) for w in workers]
    started = time.monotonic()
    while not (slow.calls and await _drained(short)) and time.monotonic() - started < 15.0:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*tasks)
    assert len(slow.calls) == 1, f"the message was handled {len(slow.calls)} times"
    assert await _redeliveries(short) == 0
    assert sum(w.stats().processed for w in workers) == 1
