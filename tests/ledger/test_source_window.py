"""`LedgerSource.events_between`, `seq_at` and `verify_after` agree on both backends."""

from __future__ import annotations

from datetime import timedelta

from tests.ledger.conftest import Backend, sample_events
from watchkeeper.clock import utcnow
from watchkeeper.events import Lifecycle, ProcessEvent, ToolCall
from watchkeeper.ledger import GENESIS, Head


def _fill(backend: Backend, count: int) -> None:
    with backend.open() as store:
        store.append([Lifecycle(session_id="s", phase=f"p{i}") for i in range(count)])


def test_events_between_filters_range_session_deployment_and_kind(backend: Backend) -> None:
    """Only records inside the seq range and matching every filter given are returned."""
    wanted = ToolCall(deployment_id="d", session_id="a", tool="Bash")
    with backend.open() as store:
        store.append(
            [
                ToolCall(deployment_id="d", session_id="a", tool="Read"),
                wanted,
                ToolCall(deployment_id="e", session_id="a", tool="Bash"),
                ProcessEvent(deployment_id="d", session_id="a", phase="start", pid=7),
                ToolCall(deployment_id="d", session_id="a", tool="Edit"),
            ]
        )
    found = backend.source().events_between(1, 4, deployment_id="d", kinds=("tool_call",))
    assert [(seq, event.id) for seq, event in found] == [(2, wanted.id)]


def test_events_between_by_session(backend: Backend) -> None:
    """A session filter uses the session index and keeps sequence order."""
    with backend.open() as store:
        store.append(sample_events(4, session_id="x") + sample_events(3, session_id="y"))
    found = backend.source().events_between(0, 100, session_id="y")
    assert [seq for seq, _ in found] == [5, 6, 7]
    assert {event.session_id for _, event in found} == {"y"}


def test_seq_at_finds_the_first_record_of_a_time(backend: Backend) -> None:
    """Bisection over seq finds where records stamped at or after a time begin."""
    now = utcnow()
    stamps = [now - timedelta(minutes=m) for m in (50, 40, 30, 20, 10)]
    with backend.open() as store:
        store.append([Lifecycle(session_id="s", phase="p", ts=ts) for ts in stamps])
    source = backend.source()
    assert source.seq_at(now - timedelta(minutes=35)) == 3
    assert source.seq_at(now - timedelta(hours=2)) == 1
    assert source.seq_at(now) == 6


def test_seq_at_of_an_empty_ledger_is_one(backend: Backend) -> None:
    """With nothing recorded, the next record would be the first."""
    _fill(backend, 0)
    assert backend.source().seq_at(utcnow()) == 1


def test_verify_after_checks_only_what_is_new(backend: Backend) -> None:
    """A clean ledger verifies from the mark to the head, counting only the new records."""
    _fill(backend, 3)
    mark = Head(3, backend.source().head().hash)
    _fill(backend, 4)
    report = backend.source().verify_after(mark)
    assert report.ok
    assert (report.records_checked, report.head_seq) == (4, 7)
    assert report.head_hash == backend.source().head().hash


def test_verify_after_names_an_altered_new_record(backend: Backend) -> None:
    """A new record whose commitment was changed is named; the good ones before it count."""
    _fill(backend, 6)
    backend.sql("UPDATE records SET commitment = 'x' WHERE seq = 5")
    report = backend.source().verify_after(Head(0, GENESIS.hex()))
    assert not report.ok
    assert (report.first_bad_seq, report.head_seq) == (5, 4)


def test_verify_after_finds_a_deletion_below_the_mark(backend: Backend) -> None:
    """A record deleted below the mark is found by counting, without re-reading the chain."""
    _fill(backend, 6)
    mark = Head(6, backend.source().head().hash)
    backend.sql("DELETE FROM records WHERE seq = 2")
    report = backend.source().verify_after(mark)
    assert not report.ok
    assert report.first_bad_seq == 2
    assert "deleted" in report.reason
    assert report.head_seq == 6


def test_verify_after_finds_a_truncation(backend: Backend) -> None:
    """A ledger shorter than the mark was truncated."""
    _fill(backend, 4)
    mark = Head(4, backend.source().head().hash)
    backend.sql("DELETE FROM records WHERE seq >= 3")
    report = backend.source().verify_after(mark)
    assert (report.ok, report.first_bad_seq) == (False, 3)
    assert "truncated" in report.reason


def test_verify_after_finds_a_rewritten_mark(backend: Backend) -> None:
    """The mark record must still carry the hash it was verified with."""
    _fill(backend, 2)
    mark = Head(2, backend.source().head().hash)
    backend.sql("UPDATE records SET hash = ? WHERE seq = 2", "0" * 64)
    report = backend.source().verify_after(mark)
    assert (report.ok, report.first_bad_seq) == (False, 2)
