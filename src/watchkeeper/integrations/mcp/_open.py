"""Guards per MCP session, sharing one decider (a gateway, or the home in-process)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from watchkeeper.events import AlertEvent
from watchkeeper.integrations._decider import Decider, open_decider
from watchkeeper.integrations.mcp._guard import GuardSettings, McpGuard
from watchkeeper.integrations.mcp._pins import PinStore

__all__ = ["PINS_FILE", "REVIEW_WAIT", "GuardFactory", "open_guards"]

PINS_FILE = "mcp-pins.json"
#: Most seconds a call waits while the gateway holds its `ask` for a reviewer (the gateway's
#: default approval timeout); past it, or when the gateway does not hold asks, `ask` refuses.
REVIEW_WAIT = 120.0


@dataclass(frozen=True, slots=True)
class GuardFactory:
    """Builds a guard per MCP session, all sharing one decider, one pin store, one alert sink."""

    server: str
    deployment_id: str
    on_change: Literal["block", "alert"]
    decider: Decider
    pins: PinStore
    on_alert: Callable[[AlertEvent], None] | None

    def __call__(self, session_id: str | None = None) -> McpGuard:
        """Return a guard recording under `session_id` (a fresh ``mcp-…`` id when empty)."""
        session = session_id or f"mcp-{uuid.uuid4().hex}"
        settings = GuardSettings(self.server, session, self.deployment_id, self.on_change)
        return McpGuard(settings, self.decider, self.pins, on_alert=self.on_alert)


@contextlib.contextmanager
def open_guards(
    *,
    home: Path,
    server: str,
    deployment_id: str = "local",
    url: str | None = None,
    token: str | None = None,
    on_change: Literal["block", "alert"] = "block",
) -> Iterator[GuardFactory]:
    """Yield a guard factory for `server`; with `url` it asks that gateway, else decides here.

    Pins always live in `<home>/mcp-pins.json`. Through a gateway that holds asks for
    review, a call waits up to `REVIEW_WAIT` seconds for the reviewer's allow or deny.
    """
    pins = PinStore(home / PINS_FILE)
    with open_decider(home, url=url, token=token, review_wait=REVIEW_WAIT) as wiring:
        yield GuardFactory(server, deployment_id, on_change, wiring.decider, pins, wiring.on_alert)
