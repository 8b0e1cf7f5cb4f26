"""Publisher leases: one holder per ledger, released when the holder goes, cursor shared."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.fanout._nats import wait_until
from watchkeeper.fanout import FileLease, LeaseLostError, PostgresLease


def test_file_lease_is_held_by_one_lease_at_a_time(tmp_path: Path) -> None:
    """While one lease holds the lock file, another on the same cursor cannot take it."""
    first, second = FileLease(tmp_path / "c"), FileLease(tmp_path / "c")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_file_lease_cursor_is_shared_by_the_next_holder(tmp_path: Path) -> None:
    """What the holder saved is where the next holder starts."""
    first, second = FileLease(tmp_path / "c"), FileLease(tmp_path / "c")
    assert first.acquire()
    first.save(17)
    first.release()
    assert second.load() == 17


def test_file_lease_refuses_to_save_when_not_held(tmp_path: Path) -> None:
    """A standby never moves the cursor."""
    with pytest.raises(LeaseLostError):
        FileLease(tmp_path / "c").save(3)


def test_postgres_lease_is_held_by_one_lease_at_a_time(postgres_url: str) -> None:
    """The advisory lock admits one holder; releasing it lets the other take it."""
    first, second = PostgresLease(postgres_url, "p1"), PostgresLease(postgres_url, "p1")
    try:
        assert first.acquire()
        assert not second.acquire()
        assert first.held()
        assert not second.held()
        first.release()
        assert second.acquire()
    finally:
        first.release()
        second.release()


def test_postgres_leases_of_other_prefixes_do_not_exclude(postgres_url: str) -> None:
    """Two fan-out prefixes on one ledger each have a publisher."""
    first, second = PostgresLease(postgres_url, "p1"), PostgresLease(postgres_url, "p2")
    try:
        assert first.acquire()
        assert second.acquire()
    finally:
        first.release()
        second.release()


def test_postgres_cursor_is_shared_through_the_database(postgres_url: str) -> None:
    """The holder's saved cursor is what a standby on another connection reads."""
    holder, standby = PostgresLease(postgres_url, "p1"), PostgresLease(postgres_url, "p1")
    try:
        assert standby.load() == 0
        assert holder.acquire()
        holder.save(5)
        holder.save(42)
        assert standby.load() == 42
    finally:
        holder.release()
        standby.release()


def test_terminated_holder_loses_the_lease_to_the_standby(postgres_url: str) -> None:
    """`pg_terminate_backend` on the holder frees the lock; its next save fails, not writes."""
    holder, standby = PostgresLease(postgres_url, "p1"), PostgresLease(postgres_url, "p1")
    try:
        assert holder.acquire()
        assert not standby.acquire()
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND objid::bigint = "
                "(hashtext(current_schema() || '/p1')::bigint & 4294967295)"
            )
        with pytest.raises(LeaseLostError):
            holder.save(9)
        assert not holder.held()
        wait_until(standby.acquire, what="the standby to take the lease")
    finally:
        holder.release()
        standby.release()
