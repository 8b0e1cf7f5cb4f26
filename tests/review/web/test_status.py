"""The background status: coverage and heartbeats of supervised sessions, off the request."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from watchkeeper.clock import utcnow
from watchkeeper.events import ProcessEvent, ToolCall
from watchkeeper.ledger import open_ledger
from watchkeeper.review.web import StatusCache
from watchkeeper.supervise import SupervisedSession, save_session

from .conftest import Review

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _supervise(review: Review, heartbeat_ago: timedelta = timedelta(seconds=5)) -> None:
    now = utcnow()
    save_session(
        review.home,
        SupervisedSession(
            session_id="sup1",
            deployment="alpha",
            backend="pgroup",
            root_pid=100,
            supervisor_pid=os.getpid(),
            started=now - timedelta(minutes=1),
            last_heartbeat=now - heartbeat_ago,
            heartbeat_interval_s=5.0,
        ),
    )


def _exec(pid: int, ppid: int, *argv: str) -> ProcessEvent:
    return ProcessEvent(
        deployment_id="alpha",
        session_id="sup1",
        phase="start",
        pid=pid,
        ppid=ppid,
        argv=argv,
        start_time=utcnow().timestamp(),
    )


def test_coverage_counts_unmonitored_executions(review: Review) -> None:
    """A process no decided call accounts for is counted as unmonitored."""
    _supervise(review)
    review.record(_exec(100, 1, "claude"), _exec(101, 100, "curl", "http://x"))
    (row,) = review.status.refresh().coverage
    assert (row.session_id, row.executions, row.unmonitored) == ("sup1", 2, 1)


def test_overview_shows_coverage_rows(review: Review) -> None:
    """The overview lists the session's coverage figure."""
    _supervise(review)
    review.record(_exec(100, 1, "claude"), _exec(101, 100, "curl", "http://x"))
    review.status.refresh()
    page = review.client().get("/").text
    assert 'data-testid="coverage-sup1"' in page
    assert "50.0%" in page


def test_deployments_page_shows_last_heartbeat(review: Review) -> None:
    """A deployment's last heartbeat comes from its supervised sessions."""
    _supervise(review, heartbeat_ago=timedelta(minutes=3))
    review.status.refresh()
    page = review.client().get("/deployments").text
    row = page[page.index('data-testid="deployment-alpha"') :].split("</tr>")[0]
    assert "3m ago" in row


def test_background_thread_refreshes_on_its_own(review: Review) -> None:
    """Started, the cache computes a snapshot without being asked."""
    import time

    from watchkeeper.review.web import StatusCache

    with StatusCache(review.home, interval=0.05) as cache:
        deadline = time.monotonic() + 10
        while cache.snapshot.computed_at is None and time.monotonic() < deadline:
            time.sleep(0.02)
    assert cache.snapshot.verify is not None


def test_verification_and_last_checkpoint_come_from_the_ledger(tmp_path: Path) -> None:
    """The status verifies the home's ledger (on either backend) and shows its newest
    signed checkpoint."""
    with open_ledger(tmp_path, checkpoint_every=2) as ledger:
        ledger.append([ToolCall(session_id="s1", tool="Bash") for _ in range(5)])
    snapshot = StatusCache(tmp_path).refresh(verify=True)
    assert snapshot.verify is not None, snapshot.verify_error
    assert snapshot.verify.ok
    assert snapshot.verify.records_checked == 5
    assert snapshot.last_checkpoint is not None
    assert snapshot.last_checkpoint.seq == snapshot.verify.head_seq == 5
