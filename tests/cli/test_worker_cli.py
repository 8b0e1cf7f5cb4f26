"""`watchkeeper worker`: the consumer's backlog as JSON, and one-line errors.

These open no ledger (`--status` reads only the NATS consumer), so they run once; a worker
recording alerts into the ledger runs on each backend in `tests/fanout/test_worker.py`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from tests.fanout._nats import NATS_URL, delete_stream
from watchkeeper.cli._app import build_app
from watchkeeper.fanout import FanoutConfig


@pytest.fixture
def prefix() -> Iterator[str]:
    """A stream prefix unique to the test; its stream is deleted afterwards."""
    name = f"t{uuid.uuid4().hex[:12]}"
    yield name
    delete_stream(FanoutConfig(url=NATS_URL, prefix=name))


def test_status_prints_the_consumer_backlog(prefix: str) -> None:
    """`--status` prints stream, consumer and a pending count of 0 for a fresh stream."""
    result = CliRunner().invoke(
        build_app(), ["worker", "--nats", NATS_URL, "--prefix", prefix, "--status"]
    )
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["stream"] == prefix.upper()
    assert (status["consumer"], status["pending"]) == (f"{prefix}-monitors", 0)


def test_invalid_prefix_exits_2_naming_it() -> None:
    """A prefix NATS cannot use ends the command with exit 2 and a sentence naming it."""
    result = CliRunner().invoke(
        build_app(), ["worker", "--nats", NATS_URL, "--prefix", "Bad.name", "--status"]
    )
    assert result.exit_code == 2
    assert "`Bad.name`" in result.output


def test_unreachable_nats_status_exits_2() -> None:
    """`--status` against a server that is not there fails with exit 2, not a traceback."""
    result = CliRunner().invoke(build_app(), ["worker", "--nats", "nats://127.0.0.1:1", "--status"])
    assert result.exit_code == 2
    assert "error: cannot read the consumer" in result.output
