"""Overdue approvals that nobody waits on are closed by the expiry thread."""

from __future__ import annotations

import time
from collections.abc import Sequence

from watchkeeper.events import Decision, Event, ReviewEvent, ToolCall
from watchkeeper.policy import Verdict
from watchkeeper.review import ApprovalExpiry, ApprovalQueue


def test_overdue_approval_is_closed_without_a_waiter() -> None:
    """An ask past its deadline gets a timeout review while nobody waits on it."""
    recorded: list[Event] = []

    def record(events: Sequence[Event]) -> object:
        recorded.extend(events)
        return None

    queue = ApprovalQueue(record)
    call = ToolCall(session_id="s", tool="Bash", args={"command": "git push"})
    queue.open(call, Verdict(Decision.ASK, ("ask-push",), "asks", "wait", ()), timeout=0.05)
    with ApprovalExpiry(queue, interval=0.05):
        deadline = time.monotonic() + 5
        while not any(isinstance(e, ReviewEvent) for e in recorded):
            assert time.monotonic() < deadline, "no timeout was recorded"
            time.sleep(0.02)
    queue.close()
    (review,) = [e for e in recorded if isinstance(e, ReviewEvent)]
    assert review.action == "timeout"
