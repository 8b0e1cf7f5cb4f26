"""`watchkeeper serve --nats`: a real gateway publishes what it records to JetStream."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests._backends import sqlite_only
from tests.fanout._nats import stream_count, stream_ids, wait_until
from tests.gateway.conftest import (  # noqa: F401 - serve_starter is a fixture
    SERVE_COMMAND,
    ServeProcess,
    serve_starter,
)
from watchkeeper.fanout import FanoutConfig
from watchkeeper.ledger import ledger_source

# Each test runs on both ledger backends (`tests/_backends.py`); `serve` inherits
# `$WATCHKEEPER_DB`, so with PostgreSQL it publishes under the advisory-lock lease.
pytestmark = pytest.mark.usefixtures("ledger_backend")


def test_serve_publishes_decided_calls(
    home: Path,
    config: FanoutConfig,
    serve_starter: Callable[..., ServeProcess],  # noqa: F811 - fixture
) -> None:
    """A call decided by `serve --nats` reaches the stream with its verdict, in ledger order."""
    serve = serve_starter(home, "--nats", config.url, "--nats-prefix", config.prefix)
    headers = {"Authorization": f"Bearer {serve.admin_token}"}
    call = {"session_id": "s1", "tool": "Bash", "args": {"command": "echo hi"}}
    with httpx.Client(base_url=serve.url, headers=headers) as client:
        assert client.post("/v1/decide", json=call).status_code == 200
    recorded = [event.id for _, event in ledger_source(home).events()]
    wait_until(lambda: stream_count(config) >= len(recorded), what="the gateway's publish")
    assert stream_ids(config)[: len(recorded)] == recorded


@sqlite_only(
    "a PostgreSQL ledger's publisher cursor is a row of `fanout_cursors`, not a file to corrupt"
)
def test_corrupt_cursor_stops_serve_with_one_line(home: Path, config: FanoutConfig) -> None:
    """A publisher cursor that holds no sequence number ends `serve` with exit 2 and one line."""
    (home / f"fanout-{config.prefix}.cursor").write_text("garbage")
    nats = ["--nats", config.url, "--nats-prefix", config.prefix]
    result = subprocess.run(
        [*SERVE_COMMAND, "--home", str(home), "--port", "0", *nats],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: publisher cursor `")
