"""`LoginLimiter`: failed sign-ins lock a user name or an address for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from watchkeeper.accounts import LoginLimiter

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_fifth_failure_locks_the_user_name() -> None:
    """Five failures in the window lock the name, from any address."""
    limiter = LoginLimiter()
    with time_machine.travel(START, tick=False):
        for i in range(4):
            assert limiter.failure("alice", f"10.0.0.{i}") is None
        started = limiter.failure("alice", "10.0.0.9")
        assert started is not None
        assert started.scope == "user"
        lockout = limiter.check("alice", "10.0.0.77")
    assert lockout is not None
    assert (
        lockout.message(START) == "too many failed sign-ins for user `alice`; try again in 15 min"
    )


def test_failures_outside_the_window_do_not_count() -> None:
    """Failures older than the window are forgotten."""
    limiter = LoginLimiter()
    with time_machine.travel(START, tick=False) as traveller:
        for i in range(4):
            limiter.failure("alice", f"10.0.0.{i}")
        traveller.shift(timedelta(minutes=16))
        assert limiter.failure("alice", "10.0.0.5") is None
        assert limiter.check("alice", "10.0.0.5") is None


def test_lockout_expires() -> None:
    """A lockout ends after its duration."""
    limiter = LoginLimiter(lockout=timedelta(minutes=15))
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            limiter.failure("alice", "10.0.0.1")
        traveller.shift(timedelta(minutes=14, seconds=59))
        assert limiter.check("alice", "10.0.0.1") is not None
        traveller.shift(timedelta(seconds=1))
        assert limiter.check("alice", "10.0.0.1") is None


def test_one_address_spraying_many_names_is_locked() -> None:
    """Twenty failures from one address lock that address for every name."""
    limiter = LoginLimiter()
    for i in range(19):
        limiter.failure(f"user{i}", "10.0.0.1")
    assert limiter.check("someone-else", "10.0.0.1") is None
    limiter.failure("user19", "10.0.0.1")
    lockout = limiter.check("someone-else", "10.0.0.1")
    assert lockout is not None
    assert lockout.scope == "address"
    assert limiter.check("someone-else", "10.0.0.2") is None


def test_success_clears_the_name_but_not_the_address() -> None:
    """A sign-in resets the name's count; the address keeps its failures."""
    limiter = LoginLimiter(max_address_failures=5)
    for _ in range(4):
        limiter.failure("alice", "10.0.0.1")
    limiter.success("alice")
    assert limiter.failure("alice", "10.0.0.2") is None
    started = limiter.failure("bob", "10.0.0.1")
    assert started is not None
    assert started.scope == "address"


def test_names_are_counted_case_insensitively() -> None:
    """`Alice` and `alice` share one counter."""
    limiter = LoginLimiter(max_failures=2)
    limiter.failure("Alice", "10.0.0.1")
    limiter.failure("alice ", "10.0.0.2")
    assert limiter.check("ALICE", "10.0.0.3") is not None
