"""A small HTTP client for the gateway API, used by the SDK and by tools that talk to `serve`."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import httpx

from watchkeeper.events import Decision, Event, ToolCall
from watchkeeper.policy import Verdict

__all__ = ["GatewayClient", "GatewayError"]


class GatewayError(Exception):
    """The gateway could not be reached or answered something unusable."""


class GatewayClient:
    """Talk to a running `watchkeeper serve` over HTTP or its unix socket.

    `url` is ``http://host:port`` or ``unix:///path/to/gateway.sock``. Every failure raises
    `GatewayError`; callers that decide turn it into a deny (see `GatewayClient.decide`).
    With `review_wait` > 0, `decide` asks the gateway to hold an `ask` for a reviewer and
    waits up to that many seconds (plus 10) for the final allow or deny.
    """

    def __init__(
        self, url: str, token: str, *, timeout: float = 5.0, review_wait: float = 0.0
    ) -> None:
        self._review_wait = review_wait
        transport: httpx.HTTPTransport | None = None
        base = url.rstrip("/")
        if base.startswith("unix://"):
            transport = httpx.HTTPTransport(uds=base.removeprefix("unix://"))
            base = "http://watchkeeper"
        self._http = httpx.Client(
            base_url=base,
            transport=transport,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}"},
        )
        self.url = url

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._http.close()

    def _post(
        self, path: str, body: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        try:
            if timeout is None:
                response = self._http.post(path, json=body)
            else:
                response = self._http.post(path, json=body, timeout=timeout)
        except httpx.HTTPError as exc:
            message = f"watchkeeper gateway at `{self.url}` is unreachable: {exc}"
            raise GatewayError(message) from exc
        try:
            data = response.json()
        except ValueError as exc:
            raise GatewayError(
                f"watchkeeper gateway at `{self.url}` sent a reply that is not JSON "
                f"(HTTP {response.status_code})"
            ) from exc
        if response.status_code >= 400 or not isinstance(data, dict):
            raise GatewayError(
                f"watchkeeper gateway at `{self.url}` answered HTTP {response.status_code}: "
                f"{str(data)[:200]}"
            )
        return data

    def decide(self, call: ToolCall) -> Verdict:
        """Ask the gateway for a verdict on `call`; any failure is a deny, never an allow."""
        body: dict[str, Any] = {
            "session_id": call.session_id,
            "tool": call.tool,
            "args": call.args,
            "tool_use_id": call.tool_use_id,
            "cwd": call.cwd,
            "agent_id": call.agent_id,
            "source": call.source,
        }
        timeout: float | None = None
        if self._review_wait > 0:
            body["wait"] = True
            timeout = self._review_wait + 10.0
        try:
            data = self._post("/v1/decide", body, timeout=timeout)
            return Verdict(
                decision=Decision(data["decision"]),
                rule_ids=tuple(data.get("rule_ids", ())),
                explanation=str(data.get("explanation", "")),
                agent_message=str(data.get("agent_message", "")),
                errors=tuple(data.get("errors", ())),
            )
        except (GatewayError, KeyError, ValueError, TypeError) as exc:
            reason = f"watchkeeper could not get a verdict, so the call is denied: {exc}"
            return Verdict(
                decision=Decision.DENY,
                rule_ids=(),
                explanation=reason,
                agent_message="Blocked by watchkeeper: the policy gateway could not be reached.",
                errors=(reason,),
            )

    def withdraw(self, call: ToolCall, reason: str) -> bool:
        """Withdraw the held approval of `call`, which its client cancelled (raises `GatewayError`).

        True when an approval was waiting on it; it then leaves the reviewers' pending list.
        """
        body = {"session_id": call.session_id, "tool_use_id": call.tool_use_id, "reason": reason}
        return bool(self._post("/v1/approvals/withdraw", body).get("withdrawn"))

    def record(self, events: Sequence[Event]) -> list[int]:
        """Record `events`; returns their ledger sequence numbers (raises `GatewayError`)."""
        payload = [e.model_dump(mode="json", exclude={"deployment_id"}) for e in events]
        data = self._post("/v1/events", {"events": payload})
        return [int(r["seq"]) for r in data.get("recorded", [])]
