"""The publisher against the real NATS server: in order, no duplicates, nothing missed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fanout._nats import stream_count, stream_ids, wait_until
from tests.fanout._proxy import Proxy
from tests.fanout.conftest import home_lease
from watchkeeper.events import Event, Message
from watchkeeper.fanout import FanoutConfig, LedgerPublisher
from watchkeeper.ledger import LedgerStore

_REPO = Path(__file__).resolve().parents[2]

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _messages(count: int, session: str = "s1") -> list[Event]:
    return [Message(session_id=session, role="user", text=f"step {i}") for i in range(count)]


def _ledger_ids(ledger: LedgerStore) -> list[str]:
    return [event.id for _, event in ledger.events()]


def test_every_committed_event_is_published_in_order(
    home: Path, ledger: LedgerStore, config: FanoutConfig
) -> None:
    """The stream holds the ledger's events in ledger order, each under its event id."""
    ledger.append(_messages(30))
    with LedgerPublisher(ledger, config, home_lease(home, config)) as publisher:
        wait_until(lambda: publisher.lag() == 0, what="the publisher to catch up")
        ledger.append(_messages(5, "s2"))
        wait_until(lambda: publisher.lag() == 0, what="the publisher to follow")
    assert stream_ids(config) == _ledger_ids(ledger)
    lease = home_lease(home, config)
    try:
        assert lease.load() == 35
    finally:
        lease.release()


def test_lag_counts_committed_events_not_yet_acknowledged(
    home: Path, ledger: LedgerStore, config: FanoutConfig
) -> None:
    """Before it starts, a publisher's lag is the whole ledger."""
    ledger.append(_messages(12))
    lease = home_lease(home, config)
    try:
        assert LedgerPublisher(ledger, config, lease).lag() == 12
    finally:
        lease.release()


def test_republishing_after_a_lost_cursor_adds_no_duplicates(
    home: Path, ledger: LedgerStore, config: FanoutConfig
) -> None:
    """A publisher that restarts behind what it published (cursor not saved) adds nothing twice."""
    ledger.append(_messages(40))
    with LedgerPublisher(ledger, config, home_lease(home, config)) as publisher:
        wait_until(lambda: publisher.lag() == 0, what="the first publish")
    behind = home_lease(home, config)
    assert behind.acquire()
    behind.save(10)
    behind.release()
    ledger.append(_messages(3, "s2"))
    with LedgerPublisher(ledger, config, home_lease(home, config)) as publisher:
        wait_until(lambda: publisher.lag() == 0, what="the restart to catch up")
    assert stream_ids(config) == _ledger_ids(ledger)


def test_publisher_killed_midway_resumes_without_duplicates_or_gaps(
    home: Path, ledger: LedgerStore, config: FanoutConfig
) -> None:
    """After SIGKILL mid-stream, a new publisher completes the stream exactly once."""
    for start in range(0, 1000, 250):
        ledger.append(_messages(250, f"s{start}"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fanout._publish_slowly",
            str(home),
            config.url,
            config.prefix,
        ],
        cwd=_REPO,
        env={**os.environ, "PYTHONPATH": str(_REPO)},
    )
    try:
        wait_until(lambda: stream_count(config) >= 100, what="the first messages")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    published_before = stream_count(config)
    assert published_before < 1000, "the publisher finished before it was killed"
    with LedgerPublisher(ledger, config, home_lease(home, config)) as publisher:
        wait_until(lambda: publisher.lag() == 0, what="the restart to catch up")
    assert stream_ids(config) == _ledger_ids(ledger)


def test_unreachable_nats_is_retried_and_caught_up(
    home: Path, ledger: LedgerStore, config: FanoutConfig
) -> None:
    """While NATS is unreachable the publisher falls behind; once it is back it catches up."""
    with Proxy(("127.0.0.1", 4222)) as proxy:
        via_proxy = config.model_copy(update={"url": proxy.url})
        publisher = LedgerPublisher(
            ledger, via_proxy, home_lease(home, config), retry=0.1, publish_timeout=1.0
        )
        with publisher:
            ledger.append(_messages(10))
            wait_until(lambda: publisher.lag() == 0, what="the first publish")
            proxy.down()
            ledger.append(_messages(10, "s2"))
            wait_until(lambda: publisher.failures > 0, what="a failed attempt")
            assert publisher.lag() == 10
            proxy.up()
            wait_until(lambda: publisher.lag() == 0, timeout=30, what="the catch-up")
    assert stream_ids(config) == _ledger_ids(ledger)
