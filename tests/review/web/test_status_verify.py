"""The status verifies incrementally, fully now and then, and rides out a lost database."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests._backends import LedgerBackend, execute
from watchkeeper.events import Event, ToolCall
from watchkeeper.ledger import ledger_location, open_ledger
from watchkeeper.review.web import StatusCache


def _calls(count: int) -> list[Event]:
    return [
        ToolCall(session_id="s1", tool="Bash", args={"command": f"ls {i}"}) for i in range(count)
    ]


@pytest.fixture
def home(tmp_path: Path, ledger_backend: LedgerBackend) -> Path:
    """A home whose ledger (on each backend) holds 10 calls."""
    del ledger_backend  # selects the backend through $WATCHKEEPER_DB
    with open_ledger(tmp_path, checkpoint_every=4) as ledger:
        ledger.append(_calls(10))
    return tmp_path


def _append(home: Path, count: int) -> None:
    with open_ledger(home, checkpoint_every=4) as ledger:
        ledger.append(_calls(count))


def _tamper_payload(home: Path, seq: int) -> None:
    execute(ledger_location(home), "UPDATE records SET payload = ? WHERE seq = ?", b"{}", seq)


def test_later_passes_verify_only_the_new_records(home: Path) -> None:
    """After the full pass, a due pass checks the appended records and not the old ones."""
    cache = StatusCache(home, verify_interval=0, full_verify_interval=3600)
    first = cache.refresh()
    assert first.verify is not None, first.verify_error
    assert first.verify.ok, first.verify_error
    _tamper_payload(home, 3)  # below the verified head: only a full pass reads it again
    _append(home, 5)
    later = cache.refresh()
    assert later.verify is not None, later.verify_error
    assert later.verify.ok, later.verify
    assert (later.verify.records_checked, later.verify.head_seq) == (15, 15)
    assert later.fully_verified_at == first.fully_verified_at
    assert later.last_checkpoint is not None
    assert later.last_checkpoint.seq > 10


def test_verify_on_demand_reads_the_whole_ledger(home: Path) -> None:
    """`refresh(verify=True)` verifies everything again and finds an old alteration."""
    cache = StatusCache(home, verify_interval=0, full_verify_interval=3600)
    cache.refresh()
    _tamper_payload(home, 3)
    report = cache.refresh(verify=True).verify
    assert report is not None
    assert not report.ok
    assert report.first_bad_seq == 3


def test_full_pass_comes_round_after_its_interval(home: Path) -> None:
    """With `full_verify_interval` elapsed, a due pass is a full one."""
    cache = StatusCache(home, verify_interval=0, full_verify_interval=0)
    cache.refresh()
    _tamper_payload(home, 3)
    report = cache.refresh().verify
    assert report is not None
    assert report.first_bad_seq == 3


def test_incremental_pass_finds_an_altered_new_record(home: Path) -> None:
    """A record appended since the last pass and then altered is named by the next pass."""
    cache = StatusCache(home, verify_interval=0, full_verify_interval=3600)
    cache.refresh()
    _append(home, 5)
    _tamper_payload(home, 13)
    report = cache.refresh().verify
    assert report is not None
    assert not report.ok
    assert report.first_bad_seq == 13


def test_incremental_pass_finds_the_verified_head_rewritten(home: Path) -> None:
    """The last verified record must still be the one verified."""
    cache = StatusCache(home, verify_interval=0, full_verify_interval=3600)
    cache.refresh()
    execute(ledger_location(home), "UPDATE records SET hash = ? WHERE seq = ?", "0" * 64, 10)
    report = cache.refresh().verify
    assert report is not None
    assert not report.ok
    assert report.first_bad_seq == 10


@pytest.fixture
def pg_home(tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home on a PostgreSQL ledger of 3,000 calls, its readers named `wk-status-test`."""
    url = f"{postgres_url}&application_name=wk-status-test"
    monkeypatch.setenv("WATCHKEEPER_DB", url)
    with open_ledger(tmp_path) as ledger:
        for _ in range(6):
            ledger.append(_calls(500))
    return tmp_path


def _terminate_readers(stop: threading.Event, postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        while not stop.is_set():
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'wk-status-test' AND pid <> pg_backend_pid()"
            )


def test_terminated_backend_makes_status_unknown_with_one_line(
    pg_home: Path, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """`pg_terminate_backend` mid-pass: no traceback, one logged line, status unknown; the
    next refresh that reaches the database shows the ledger intact again."""
    cache = StatusCache(pg_home, verify_interval=3600)
    assert (first := cache.refresh().verify) is not None
    assert first.ok
    stop = threading.Event()
    killer = threading.Thread(target=_terminate_readers, args=(stop, postgres_url))
    killer.start()
    try:
        with caplog.at_level(logging.ERROR, logger="watchkeeper.review.web._status"):
            lost = cache.refresh(verify=True)
    finally:
        stop.set()
        killer.join()
    assert lost.verify is None
    assert lost.verify_error
    assert "\n" not in lost.verify_error
    assert caplog.records, "the failure was not logged"
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in caplog.records)
    again = cache.refresh()  # not due by the interval: retried because the last one failed
    assert again.verify is not None, again.verify_error
    assert again.verify.ok, again.verify_error
    assert again.verify.records_checked == 3000
