"""Rate limit on failed sign-ins, per user name and per client address.

`max_failures` failures for one user name, or `max_address_failures` from one client
address (higher: an office behind one NAT shares it), within `window` lock that name or
address for `lockout`. A locked
key is refused before any password is checked, so guessing stops costing the server argon2
time too. A successful sign-in clears the user name's failures (not the address's: one
right password must not reset a spray across many names).
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict

from watchkeeper.clock import utcnow

__all__ = ["Lockout", "LoginLimiter"]

_MAX_KEYS = 50_000


class Lockout(BaseModel):
    """Why a sign-in is refused without checking the password, and until when."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scope: str
    key: str
    until: AwareDatetime

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the lockout ends (at least 1)."""
        return max(1, int((self.until - now).total_seconds() + 0.999))

    def message(self, now: datetime) -> str:
        """The one-line message shown to the person signing in."""
        minutes = max(1, (self.retry_after(now) + 59) // 60)
        what = f"user `{self.key}`" if self.scope == "user" else f"address `{self.key}`"
        return f"too many failed sign-ins for {what}; try again in {minutes} min"


class _Counter:
    __slots__ = ("failures", "locked_until")

    def __init__(self) -> None:
        self.failures: deque[datetime] = deque()
        self.locked_until: datetime | None = None


class LoginLimiter:
    """Counts failed sign-ins and locks a user name or address after too many."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        max_address_failures: int = 20,
        window: timedelta = timedelta(minutes=15),
        lockout: timedelta = timedelta(minutes=15),
        max_keys: int = _MAX_KEYS,
    ) -> None:
        if min(max_failures, max_address_failures) < 1:
            raise ValueError(
                f"failure limits `{max_failures}` and `{max_address_failures}` must be at "
                "least 1; raise them"
            )
        self._limits = {"user": max_failures, "address": max_address_failures}
        self._window = window
        self._lockout = lockout
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, str], _Counter] = {}

    def check(self, username: str, address: str) -> Lockout | None:
        """Return the lockout that refuses this attempt, or None when it may go ahead."""
        now = utcnow()
        with self._lock:
            for key in self._keys(username, address):
                counter = self._counters.get(key)
                if counter and counter.locked_until is not None and counter.locked_until > now:
                    return Lockout(scope=key[0], key=key[1], until=counter.locked_until)
        return None

    def failure(self, username: str, address: str) -> Lockout | None:
        """Count a failed sign-in; return the lockout it starts, if it starts one."""
        now = utcnow()
        started: Lockout | None = None
        with self._lock:
            if len(self._counters) >= self._max_keys:
                self._prune(now)
            for key in self._keys(username, address):
                counter = self._counters.setdefault(key, _Counter())
                self._expire(counter, now)
                counter.failures.append(now)
                limit = self._limits[key[0]]
                if len(counter.failures) >= limit and counter.locked_until is None:
                    counter.locked_until = now + self._lockout
                    counter.failures.clear()
                    started = started or Lockout(
                        scope=key[0], key=key[1], until=counter.locked_until
                    )
        return started

    def success(self, username: str) -> None:
        """Forget the failures of `username` after it signed in."""
        with self._lock:
            self._counters.pop(("user", _norm(username)), None)

    def _expire(self, counter: _Counter, now: datetime) -> None:
        if counter.locked_until is not None and counter.locked_until <= now:
            counter.locked_until = None
        while counter.failures and now - counter.failures[0] >= self._window:
            counter.failures.popleft()

    def _prune(self, now: datetime) -> None:
        for key, counter in list(self._counters.items()):
            self._expire(counter, now)
            if not counter.failures and counter.locked_until is None:
                del self._counters[key]
        while len(self._counters) >= self._max_keys:
            del self._counters[next(iter(self._counters))]

    @staticmethod
    def _keys(username: str, address: str) -> tuple[tuple[str, str], ...]:
        return (("user", _norm(username)), ("address", address or "unknown"))


def _norm(username: str) -> str:
    return username.strip().lower()[:200]
