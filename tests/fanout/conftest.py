"""Fan-out fixtures: a home with a ledger, and a stream of its own on the real NATS server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fanout._nats import NATS_URL, delete_stream
from watchkeeper.fanout import FanoutConfig
from watchkeeper.ledger import SqliteLedger, open_ledger


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty watchkeeper home."""
    path = tmp_path / "home"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def ledger(home: Path) -> Iterator[SqliteLedger]:
    """The home's ledger, closed after the test."""
    with open_ledger(home) as store:
        yield store


@pytest.fixture
def config() -> Iterator[FanoutConfig]:
    """Fan-out settings with a prefix unique to the test; its stream is deleted afterwards."""
    made = FanoutConfig(url=NATS_URL, prefix=f"t{uuid.uuid4().hex[:12]}", ack_wait=2.0)
    yield made
    delete_stream(made)
