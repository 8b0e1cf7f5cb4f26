"""The background status: coverage and heartbeats of supervised sessions, off the request."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from watchkeeper.clock import utcnow
from watchkeeper.events import Lifecycle, ProcessEvent, ToolCall
from watchkeeper.ledger import RESUMED_PHASE, SIGNING_SESSION, open_ledger
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


def _computed_at(cache: StatusCache) -> object:
    return cache._snapshot.computed_at  # read without counting as a look


def test_nobody_looking_means_nothing_is_computed(review: Review) -> None:
    """A started cache whose snapshot nobody reads does not read the ledger."""
    with StatusCache(review.home, interval=0.02) as cache:
        time.sleep(0.3)
        assert _computed_at(cache) is None


def test_refreshing_pauses_when_nobody_looks_and_resumes_on_the_next_look(review: Review) -> None:
    """After `idle_after` seconds without a read the thread stops refreshing; a read wakes it."""
    with StatusCache(review.home, interval=0.02, idle_after=0.2) as cache:
        assert cache.snapshot.computed_at is None  # the first look starts the work
        deadline = time.monotonic() + 10
        while _computed_at(cache) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.4)  # no reads: the thread goes idle
        paused = _computed_at(cache)
        time.sleep(0.3)
        assert _computed_at(cache) == paused
        cache.snapshot  # noqa: B018 - a look
        deadline = time.monotonic() + 10
        while _computed_at(cache) == paused and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _computed_at(cache) != paused


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


def _call(i: int) -> ToolCall:
    return ToolCall(deployment_id="alpha", session_id="s1", tool="Bash", args={"i": i})


def test_unsigned_checkpoints_are_shown_and_outlive_a_restart(review: Review) -> None:
    """A writer's note that it cannot sign is on the overview, and a fresh cache finds it."""
    (review.home / "keys" / "ledger.key").unlink()
    review.record(_call(1))
    unsigned = review.status.refresh(verify=False).unsigned
    assert unsigned is not None
    assert "is missing" in unsigned.reason
    page = review.client().get("/").text
    assert 'data-testid="checkpoints-unsigned"' in page
    assert "Checkpoints are NOT being signed since" in page
    restarted = StatusCache(review.home).refresh(verify=False).unsigned
    assert restarted is not None
    assert restarted.reason == unsigned.reason


def test_a_checkpoint_after_the_note_clears_the_warning(review: Review) -> None:
    """Once the key is back, the writer signs again and the warning goes away."""
    key = review.home / "keys" / "ledger.key"
    saved = key.read_bytes()
    key.unlink()
    review.record(_call(1))
    assert review.status.refresh(verify=False).unsigned is not None
    key.write_bytes(saved)
    key.chmod(0o600)
    review.record(_call(2))
    # PostgreSQL's writer commits its note and checkpoint just after acknowledging the append.
    deadline = time.monotonic() + 10
    while review.status.refresh(verify=False).unsigned and time.monotonic() < deadline:
        time.sleep(0.05)
    assert review.status.snapshot.unsigned is None
    assert 'data-testid="checkpoints-unsigned"' not in review.client().get("/").text


def test_a_planted_resumed_note_does_not_clear_the_warning(review: Review) -> None:
    """Only a signed checkpoint clears the warning, not a note anyone could record."""
    (review.home / "keys" / "ledger.key").unlink()
    review.record(_call(1))
    review.record(
        Lifecycle(session_id=SIGNING_SESSION, phase=RESUMED_PHASE, detail={"ledger": "x"})
    )
    assert review.status.refresh(verify=False).unsigned is not None
