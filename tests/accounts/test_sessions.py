"""`WebSessions`: random ids, idle timeout, absolute lifetime, sign-out and per-user ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from watchkeeper.accounts import UserStore, WebSessions

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_ids_are_random_and_long(users: UserStore) -> None:
    """Each session gets a fresh id of 32 random bytes and its own CSRF token."""
    sessions = WebSessions()
    alice = users.get("alice")
    assert alice is not None
    first_id, first = sessions.create(alice)
    second_id, second = sessions.create(alice)
    assert first_id != second_id
    assert len(first_id) >= 43
    assert first.csrf_token != second.csrf_token


def test_idle_session_ends(users: UserStore) -> None:
    """A session unused for the idle timeout is gone; used just before, it lives on."""
    sessions = WebSessions(idle=timedelta(minutes=30))
    alice = users.get("alice")
    assert alice is not None
    with time_machine.travel(START, tick=False) as traveller:
        session_id, _ = sessions.create(alice)
        traveller.shift(timedelta(minutes=29))
        assert sessions.get(session_id) is not None
        traveller.shift(timedelta(minutes=29))
        assert sessions.get(session_id) is not None
        traveller.shift(timedelta(minutes=30))
        assert sessions.get(session_id) is None


def test_busy_session_ends_at_its_lifetime(users: UserStore) -> None:
    """However often used, a session ends at its absolute lifetime."""
    sessions = WebSessions(idle=timedelta(minutes=30), lifetime=timedelta(hours=1))
    alice = users.get("alice")
    assert alice is not None
    with time_machine.travel(START, tick=False) as traveller:
        session_id, _ = sessions.create(alice)
        for _ in range(3):
            traveller.shift(timedelta(minutes=20))
            alive = sessions.get(session_id) is not None
        assert not alive


def test_drop_and_drop_user(users: UserStore) -> None:
    """`drop` ends one session; `drop_user` ends every session of a user and no other."""
    sessions = WebSessions()
    alice, root = users.get("alice"), users.get("root")
    assert alice is not None
    assert root is not None
    one, _ = sessions.create(alice)
    two, _ = sessions.create(alice)
    admin, _ = sessions.create(root)
    assert sessions.drop(one) is not None
    assert sessions.get(one) is None
    assert sessions.drop_user("alice") == 1
    assert sessions.get(two) is None
    assert sessions.get(admin) is not None


def test_unknown_id_is_no_session() -> None:
    """An id the server never issued is no session."""
    assert WebSessions().get("forged-session-id") is None


def test_full_table_drops_the_oldest(users: UserStore) -> None:
    """At the session cap the least recently used session makes room."""
    sessions = WebSessions(max_sessions=2)
    alice = users.get("alice")
    assert alice is not None
    with time_machine.travel(START, tick=False) as traveller:
        oldest, _ = sessions.create(alice)
        traveller.shift(timedelta(seconds=1))
        sessions.create(alice)
        traveller.shift(timedelta(seconds=1))
        sessions.create(alice)
    assert sessions.count() == 2
    assert sessions.get(oldest) is None


def test_timeouts_must_be_positive() -> None:
    """A zero idle timeout is a configuration error."""
    with pytest.raises(ValueError, match="must both be positive"):
        WebSessions(idle=timedelta(0))
