"""Where an integration gets verdicts: a running gateway, or the home's pipeline in-process.

Integrations that sit in front of tools (the MCP gateway, the Inspect approver) need the
same two things: a verdict for each call and somewhere durable to record events and
alerts. With a gateway URL both go to that gateway (an unreachable gateway means deny);
without one, the home's policy, monitors, ledger and alert store are used in this process.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from watchkeeper.events import AlertEvent, Event, ToolCall
from watchkeeper.policy import Verdict

__all__ = ["Decider", "Wiring", "Withdrawing", "open_decider"]


class Decider(Protocol):
    """A verdict for each call, and a durable record: a `Pipeline` or a `GatewayClient`."""

    def decide(self, call: ToolCall) -> Verdict: ...

    def record(self, events: Sequence[Event]) -> Sequence[object]: ...


@runtime_checkable
class Withdrawing(Protocol):
    """A decider whose asks a gateway holds for a reviewer (a `GatewayClient`).

    `withdraw` takes a held call off the reviewers' queue when its client cancelled it.
    An in-process `Pipeline` holds no asks, so it has nothing to withdraw.
    """

    def withdraw(self, call: ToolCall, reason: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Wiring:
    """The decider, and where alerts raised by the integration itself go besides the ledger."""

    decider: Decider
    on_alert: Callable[[AlertEvent], None] | None


@contextlib.contextmanager
def open_decider(
    home: Path, *, url: str | None = None, token: str | None = None, review_wait: float = 0.0
) -> Iterator[Wiring]:
    """Yield the wiring for `url`'s gateway, or for `home` in-process when `url` is None.

    Through a gateway, the integration's own alerts are recorded as ledger events there;
    in-process they also go to `<home>/alerts.db`, where `watchkeeper alerts` shows them.
    With `review_wait` > 0, an `ask` the gateway holds for a reviewer is waited for (up to
    that many seconds plus 10) and the reviewer's allow or deny returned instead.
    """
    if url is not None:
        from watchkeeper.integrations.sdk import GatewayClient

        with GatewayClient(url, token or "", review_wait=review_wait) as client:
            yield Wiring(client, None)
        return
    from watchkeeper.alerts import AlertStore
    from watchkeeper.gateway import build_pipeline

    with build_pipeline(home) as pipeline, AlertStore(home / "alerts.db") as alerts:

        def raise_alert(event: AlertEvent) -> None:
            alerts.raise_alert(
                deployment_id=event.deployment_id,
                session_id=event.session_id,
                monitor=event.monitor,
                category=event.category,
                severity=event.severity,
                score=event.score,
                evidence=event.evidence,
                explanation=event.explanation,
            )

        yield Wiring(pipeline, raise_alert)
