"""A token and cost budget for judge calls, per rolling day."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from watchkeeper.clock import utcnow

__all__ = ["Budget"]


class Budget:
    """At most `max_tokens` and `max_cost` (at `cost_per_1k` per 1,000 tokens) per 24 h.

    A call is allowed while the window's spend plus the call's estimate stays inside both
    limits; the window restarts 24 h after it began. Thread-safe.
    """

    def __init__(
        self, *, max_tokens: int, max_cost: float | None = None, cost_per_1k: float = 0.0
    ) -> None:
        self._max_tokens = max_tokens
        self._max_cost = max_cost
        self._cost_per_1k = cost_per_1k
        self._lock = threading.Lock()
        self._start: datetime = utcnow()
        self._tokens = 0

    def allows(self, estimate: int) -> bool:
        """Whether a call estimated at `estimate` tokens fits the budget now."""
        with self._lock:
            self._roll()
            tokens = self._tokens + estimate
            if tokens > self._max_tokens:
                return False
            return self._max_cost is None or tokens * self._cost_per_1k / 1000 <= self._max_cost

    def spend(self, tokens: int) -> None:
        """Count `tokens` actually used."""
        with self._lock:
            self._roll()
            self._tokens += tokens

    @property
    def spent(self) -> int:
        """Tokens used in the current window."""
        with self._lock:
            self._roll()
            return self._tokens

    def _roll(self) -> None:
        now = utcnow()
        if now - self._start >= timedelta(days=1):
            self._start, self._tokens = now, 0
