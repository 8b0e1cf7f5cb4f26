"""Posting alerts to a Slack-compatible webhook, off the decision path."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, Self

import httpx

from watchkeeper.alerts._model import Alert
from watchkeeper.events import Severity

__all__ = ["WebhookNotifier", "slack_payload"]

_log = logging.getLogger(__name__)

#: Called with the alert and the error when a post fails (the pipeline records it).
FailureHook = Callable[[Alert, str], None]


def slack_payload(alert: Alert) -> dict[str, Any]:
    """Return the Slack-compatible JSON body (`text` plus `blocks`) announcing `alert`."""
    title = (
        f"[{alert.severity.value.upper()}] {alert.category} in session `{alert.session_id}` "
        f"({alert.deployment_id})"
    )
    details = (
        f"*monitor* `{alert.monitor}` · *score* {alert.score:.2f} · *alert* #{alert.id} · "
        f"*seen* {alert.count} times"
    )
    return {
        "text": f"{title}: {alert.explanation}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": alert.explanation[:2900]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": details}]},
        ],
    }


class WebhookNotifier:
    """Posts alerts at or above `min_severity` to `url` on one background thread.

    `notify` returns at once, so a slow or broken webhook never delays a decision. A failed
    post is logged and handed to `on_failure`. `close` waits for queued posts.
    """

    def __init__(
        self,
        url: str,
        *,
        min_severity: Severity = Severity.HIGH,
        timeout: float = 5.0,
        on_failure: FailureHook | None = None,
    ) -> None:
        self._url = url
        self._min_rank = min_severity.rank
        self._client = httpx.Client(timeout=timeout)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wk-webhook")
        self.on_failure = on_failure

    def notify(self, alert: Alert) -> Future[bool] | None:
        """Queue a post of `alert` if its severity is high enough; return its future or None."""
        if alert.severity.rank < self._min_rank:
            return None
        return self._pool.submit(self._post, alert)

    def _post(self, alert: Alert) -> bool:
        try:
            response = self._client.post(self._url, json=slack_payload(alert))
            response.raise_for_status()
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
            _log.warning("posting alert %s to the webhook failed: %s", alert.id, error)
            if self.on_failure is not None:
                try:
                    self.on_failure(alert, error)
                except Exception:  # noqa: BLE001 - the log line above keeps the failure
                    _log.exception("recording the webhook failure failed")
            return False
        return True

    def close(self) -> None:
        """Wait for queued posts, then close the HTTP client."""
        self._pool.shutdown(wait=True)
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
