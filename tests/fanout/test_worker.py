"""Workers against the real NATS server: a work queue, redelivery, poison messages, lag."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fanout._nats import publish_raw, run, wait_until
from tests.fanout._sessions import exfiltration
from tests.fanout.conftest import home_lease
from watchkeeper.alerts import AlertStore
from watchkeeper.events import AlertEvent, ErrorEvent, Event
from watchkeeper.fanout import (
    ConsumerStatus,
    FanoutConfig,
    LedgerPublisher,
    MonitorWorker,
    WorkerStats,
    consumer_status,
    open_worker,
)
from watchkeeper.ledger import LedgerStore

_REPO = Path(__file__).resolve().parents[2]

# Each test runs on both ledger backends (`tests/_backends.py`); the workers, in-process and
# in a subprocess, find the ledger through `$WATCHKEEPER_DB` as `watchkeeper worker` does.
pytestmark = pytest.mark.usefixtures("ledger_backend")


@pytest.fixture
def publisher(home: Path, ledger: LedgerStore, config: FanoutConfig) -> Iterator[LedgerPublisher]:
    """A publisher following the home's ledger into the test's stream."""
    with LedgerPublisher(ledger, config, home_lease(home, config)) as running:
        yield running


def _status(config: FanoutConfig) -> ConsumerStatus:
    return run(lambda: consumer_status(config))


def _drained(config: FanoutConfig) -> bool:
    status = _status(config)
    return status.pending == 0 and status.ack_pending == 0


def _of_kind(ledger: LedgerStore, kind: type[Event]) -> list[Event]:
    return [e for _, e in ledger.events() if isinstance(e, kind)]


_DYING_WORKER = [sys.executable, "-m", "tests.fanout._worker_dies"]


def _worker_command(program: list[str], home: Path, config: FanoutConfig) -> list[str]:
    return [
        *program,
        "--nats",
        config.url,
        "--home",
        str(home),
        "--prefix",
        config.prefix,
        "--ack-wait",
        str(config.ack_wait),
    ]


def test_consumer_status_reports_the_backlog(
    ledger: LedgerStore, config: FanoutConfig, publisher: LedgerPublisher
) -> None:
    """Events published but not yet consumed show up as the consumer's pending count."""
    ledger.append(exfiltration("s1"))
    wait_until(lambda: publisher.lag() == 0, what="the publish")
    status = _status(config)
    assert (status.pending, status.ack_pending, status.consumer) == (4, 0, config.durable)


async def test_two_workers_share_the_queue_and_alert_once(
    home: Path, ledger: LedgerStore, config: FanoutConfig, publisher: LedgerPublisher
) -> None:
    """Each event goes to one of two workers; the suspicious session alerts exactly once."""
    for n in range(10):
        ledger.append(exfiltration(f"s{n}"))
    with open_worker(home, config, batch=4) as first, open_worker(home, config, batch=4) as second:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(w.run(stop)) for w in (first, second)]
        for _ in range(300):
            await asyncio.sleep(0.05)
            if publisher.lag() == 0 and await _drained_async(config):
                break
        stop.set()
        await asyncio.gather(*tasks)
        stats = [first.stats(), second.stats()]
    # The workers' own alert events are published too (and only acknowledged).
    assert sum(s.processed for s in stats) == len(list(ledger.events())) == 50
    assert all(s.processed > 0 for s in stats)
    assert sum(s.alerts for s in stats) == 10
    alerts = _of_kind(ledger, AlertEvent)
    assert sorted(e.session_id for e in alerts) == sorted(f"s{n}" for n in range(10))
    with AlertStore(home / "alerts.db") as table:
        assert len(table.list()) == 10


async def _run_until_drained(worker: MonitorWorker, config: FanoutConfig) -> WorkerStats:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    for _ in range(400):
        await asyncio.sleep(0.05)
        if await _drained_async(config):
            break
    stop.set()
    await task
    return worker.stats()


async def _drained_async(config: FanoutConfig) -> bool:
    status = await consumer_status(config)
    return status.pending == 0 and status.ack_pending == 0


async def test_poison_message_is_recorded_and_set_aside(
    home: Path, ledger: LedgerStore, config: FanoutConfig
) -> None:
    """A message that is not an event is retried, then recorded as an error and terminated."""
    short = config.model_copy(update={"max_deliveries": 2})
    await asyncio.to_thread(publish_raw, short, b"not json", {"Wk-Seq": "1"})
    with open_worker(home, short) as worker:
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        for _ in range(200):
            await asyncio.sleep(0.05)
            if worker.stats().poisoned:
                break
        stop.set()
        await task
        assert (worker.stats().retried, worker.stats().poisoned) == (1, 1)
    (error,) = _of_kind(ledger, ErrorEvent)
    assert isinstance(error, ErrorEvent)
    assert error.where == "fanout.worker"
    assert "failed 2 times" in error.message
    assert await _drained_async(short)


def test_worker_killed_before_ack_is_redelivered_without_a_second_alert(
    home: Path, ledger: LedgerStore, config: FanoutConfig, publisher: LedgerPublisher
) -> None:
    """A worker SIGKILLed after alerting but before acking leaves exactly one alert."""
    ledger.append(exfiltration("s1"))
    wait_until(lambda: publisher.lag() == 0, what="the publish")
    env = {**os.environ, "PYTHONPATH": str(_REPO), "WK_TEST_DIE_AT": "4"}
    dying = subprocess.run(
        _worker_command(_DYING_WORKER, home, config),
        cwd=_REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    assert len(_of_kind(ledger, AlertEvent)) == 1, "the alert was durable before the ack"
    with open_worker(home, config) as survivor:
        stats = run(lambda: _run_until_drained(survivor, config))
    # The redelivered call and the alert event the dead worker wrote; no new alert.
    assert (stats.processed, stats.alerts) == (2, 0)
    assert len(_of_kind(ledger, AlertEvent)) == 1
    with AlertStore(home / "alerts.db") as table:
        (alert,) = table.list()
    assert alert.count == 1
