"""What the pipeline tells observers (metrics, trace export) after it acted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from watchkeeper.events import Event, ToolCall
    from watchkeeper.policy import Verdict

__all__ = ["PipelineObserver"]


class PipelineObserver(Protocol):
    """Told what the pipeline did, on the thread that did it, after it is done.

    Calls sit on the decision path, so they must be quick (count, time, or hand off to a
    queue). An observer that raises is logged and ignored: it never changes a verdict.
    """

    def decided(self, call: ToolCall, verdict: Verdict, seconds: float) -> None:
        """`call` was answered with `verdict`, `seconds` after the pipeline received it."""

    def recorded(self, events: Sequence[Event], seconds: float) -> None:
        """`events` became durable in the ledger, `seconds` after they were submitted."""

    def monitor_failed(self, monitor: str) -> None:
        """Monitor `monitor` raised or ran too long on a step (its finding became an alert)."""
