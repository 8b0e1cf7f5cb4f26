"""Closing approvals nobody waits on once their deadline passes."""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Self

from watchkeeper.review._queue import ApprovalQueue

__all__ = ["ApprovalExpiry"]

_log = logging.getLogger(__name__)


class ApprovalExpiry:
    """A thread that records a timeout for every overdue approval each `interval` seconds.

    A held call is answered when its own wait ends; an `ask` returned to a client that never
    came back to wait would otherwise stay pending past its deadline until something touched
    it. Use as a context manager around serving.
    """

    def __init__(self, queue: ApprovalQueue, *, interval: float = 5.0) -> None:
        self._queue = queue
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="approval-expiry", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=self._interval + 5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._queue.expire_overdue()
            except Exception:  # noqa: BLE001 - keep expiring; each failure is logged
                _log.exception("expiring overdue approvals failed")
