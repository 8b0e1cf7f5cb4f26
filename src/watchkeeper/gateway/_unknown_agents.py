"""The "unknown agent activity" alert: a call the gateway refused for want of a valid identity.

A token the store knows (revoked, expired, or of a suspended or unregistered deployment)
alerts once under its deployment and its hash; a token never issued, or none at all, alerts
once under deployment `unknown` — whatever deployment the request claims, so that guessing
tokens or varying the header cannot open alert after alert. Repeats fold into the open
alert in the `AlertStore` (their sources added to its evidence) instead of flooding the
ledger, and repeats within `quiet_s` are not even looked up. Alerts name a short hash of the
token, never the token.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from watchkeeper.alerts import dedupe_key
from watchkeeper.events import AlertEvent, Event, Severity
from watchkeeper.gateway._identity import Refusal
from watchkeeper.gateway._tokens import valid_deployment_id

if TYPE_CHECKING:
    from watchkeeper.alerts import AlertStore

__all__ = ["UNKNOWN_AGENT_CATEGORY", "UnknownAgentAlarm"]

#: Alert category of refused calls.
UNKNOWN_AGENT_CATEGORY = "unknown-agent"
_MONITOR = "gateway-auth"
_UNKNOWN = "unknown"


class UnknownAgentAlarm:
    """Raises deduplicated `unknown-agent` alerts in `alerts` and, via `record`, the ledger."""

    def __init__(
        self,
        record: Callable[[Sequence[Event]], object],
        alerts: AlertStore | None = None,
        *,
        quiet_s: float = 60.0,
        memory: int = 4096,
    ) -> None:
        self._record = record
        self._alerts = alerts
        self._quiet_s = quiet_s
        self._memory = memory
        self._lock = threading.Lock()
        self._recent: OrderedDict[tuple[str, str], float] = OrderedDict()

    def sound(self, refusal: Refusal, *, source: str, path: str) -> AlertEvent | None:
        """Alert on `refusal` (a call to `path` from `source`); return the event recorded,
        or None when it folded into an alert already raised."""
        claimed = refusal.claimed
        if claimed is not None and not valid_deployment_id(claimed):
            claimed = None
        if refusal.token_known and refusal.fingerprint and claimed:
            deployment_id, session_id = claimed, f"token-{refusal.fingerprint}"
        else:
            deployment_id = _UNKNOWN
            session_id = "unknown-token" if refusal.fingerprint else "no-token"
        if not self._first_in_while((deployment_id, session_id)):
            return None
        token_text = (
            f"a token with sha256 {refusal.fingerprint}…" if refusal.fingerprint else "no token"
        )
        claim = f"claiming deployment `{claimed}`" if claimed else "claiming no known deployment"
        explanation = (
            f"unknown agent activity ({refusal.problem}): a call to `{path}` from {source} "
            f"with {token_text}, {claim}, was denied"
        )
        evidence = (f"source {source}",) + ((f"claimed {claimed}",) if claimed else ())
        if self._alerts is not None:
            raised = self._alerts.raise_alert(
                deployment_id=deployment_id,
                session_id=session_id,
                monitor=_MONITOR,
                category=UNKNOWN_AGENT_CATEGORY,
                severity=Severity.HIGH,
                score=1.0,
                evidence=evidence,
                explanation=explanation,
            )
            if not (raised.new or raised.escalated):
                return None
        event = AlertEvent(
            deployment_id=deployment_id,
            session_id=session_id,
            monitor=_MONITOR,
            category=UNKNOWN_AGENT_CATEGORY,
            severity=Severity.HIGH,
            score=1.0,
            evidence=evidence,
            explanation=explanation,
            dedupe_key=dedupe_key(deployment_id, session_id, UNKNOWN_AGENT_CATEGORY),
        )
        self._record([event])
        return event

    def _first_in_while(self, key: tuple[str, str]) -> bool:
        now = time.monotonic()
        with self._lock:
            last = self._recent.get(key)
            if last is not None and now - last < self._quiet_s:
                return False
            self._recent[key] = now
            self._recent.move_to_end(key)
            while len(self._recent) > self._memory:
                self._recent.popitem(last=False)
            return True
