"""Fan-out fixtures: a home with a ledger, and a stream of its own on the real NATS server.

The modules that publish or record a ledger (`test_publisher`, `test_worker`,
`test_redelivery`, `test_alerting`, `test_serve_fanout`, `test_one_publisher`) run on each
ledger backend, sqlite and postgresql (`tests/_backends.py`), through `ledger_backend`; the
rest touch no ledger (`test_lease` names each lease backend itself).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fanout._nats import NATS_URL, delete_stream
from watchkeeper.fanout import FanoutConfig, PublisherLease, publisher_lease
from watchkeeper.ledger import LedgerStore, ledger_location, open_ledger


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty watchkeeper home."""
    path = tmp_path / "home"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def ledger(home: Path) -> Iterator[LedgerStore]:
    """The home's ledger on the test's backend, closed after the test."""
    with open_ledger(home) as store:
        yield store


def home_lease(home: Path, config: FanoutConfig) -> PublisherLease:
    """The publisher lease `serve` takes for `home`'s ledger: a file lock beside the cursor
    file for SQLite, an advisory lock and a cursor row for PostgreSQL."""
    return publisher_lease(home, config, ledger_location(home))


@pytest.fixture
def config() -> Iterator[FanoutConfig]:
    """Fan-out settings with a prefix unique to the test; its stream is deleted afterwards."""
    made = FanoutConfig(url=NATS_URL, prefix=f"t{uuid.uuid4().hex[:12]}", ack_wait=2.0)
    yield made
    delete_stream(made)
