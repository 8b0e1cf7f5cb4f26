"""One publisher per ledger: gateways sharing a ledger publish each event once between them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._backends import LedgerBackend
from tests.fanout._nats import stream_count, stream_ids, wait_until
from watchkeeper.events import Event, Message
from watchkeeper.fanout import FanoutConfig, LedgerPublisher, publisher_lease
from watchkeeper.ledger import PostgresLedger, SqliteLedger, ledger_location, open_ledger

_REPO = Path(__file__).resolve().parents[2]


def _messages(count: int, session: str) -> list[Event]:
    return [Message(session_id=session, role="user", text=f"step {i}") for i in range(count)]


@pytest.fixture
def shared(
    home: Path, ledger_backend: LedgerBackend
) -> Iterator[tuple[SqliteLedger | PostgresLedger, str | None]]:
    """The home's ledger on each backend, with the PostgreSQL url (None for SQLite)."""
    with open_ledger(home) as store:
        yield store, ledger_backend.url


def _publisher(
    home: Path, store: SqliteLedger | PostgresLedger, url: str | None, config: FanoutConfig
) -> LedgerPublisher:
    lease = publisher_lease(home, config, ledger_location(home, url))
    return LedgerPublisher(store, config, lease, standby=0.2)


def test_two_publishers_on_one_ledger_publish_each_event_once(
    home: Path, shared: tuple[SqliteLedger | PostgresLedger, str | None], config: FanoutConfig
) -> None:
    """Of two gateways' publishers, one publishes; together they send every event once."""
    store, url = shared
    store.append(_messages(60, "s1"))
    first = _publisher(home, store, url, config)
    second = _publisher(home, store, url, config)
    with first, second:
        wait_until(lambda: first.lag() == 0 and second.lag() == 0, what="both to see it done")
        store.append(_messages(25, "s2"))
        wait_until(lambda: first.lag() == 0 and second.lag() == 0, what="both to follow")
        assert [first.publishing, second.publishing].count(True) == 1
    assert first.sent + second.sent == 85
    assert stream_ids(config) == [event.id for _, event in store.events()]


def test_standby_takes_over_when_the_holder_is_killed(
    home: Path, shared: tuple[SqliteLedger | PostgresLedger, str | None], config: FanoutConfig
) -> None:
    """SIGKILL the publishing process: the standby resumes from the shared cursor, losing none."""
    store, url = shared
    for start in range(0, 600, 200):
        store.append(_messages(200, f"s{start}"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fanout._publish_slowly",
            str(home),
            config.url,
            config.prefix,
            *([url] if url else []),
        ],
        cwd=_REPO,
        env={**os.environ, "PYTHONPATH": str(_REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    standby = _publisher(home, store, url, config)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "holding"
        with standby:
            wait_until(lambda: stream_count(config) >= 100, what="the holder to publish")
            assert not standby.publishing
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            before = stream_count(config)
            assert before < 600, "the holder finished before it was killed"
            wait_until(lambda: standby.publishing, what="the standby to take over")
            wait_until(lambda: standby.lag() == 0, what="the standby to catch up")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert stream_ids(config) == [event.id for _, event in store.events()]
    # Resumed from the shared cursor (at most one unsaved batch of 5 again), not from zero.
    assert standby.sent <= 600 - before + 5
