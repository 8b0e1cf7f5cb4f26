"""The webhook notifier: Slack-compatible posts to a real local HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from watchkeeper.alerts import Alert, AlertStatus, WebhookNotifier, slack_payload
from watchkeeper.events import Severity


class _Hook(HTTPServer):
    received: list[dict[str, Any]]
    status: int


class _Handler(BaseHTTPRequestHandler):
    server: _Hook

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.received.append(json.loads(self.rfile.read(length)))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def hook() -> Iterator[_Hook]:
    """A real HTTP server on 127.0.0.1 recording the JSON bodies posted to it."""
    server = _Hook(("127.0.0.1", 0), _Handler)
    server.received = []
    server.status = 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _url(server: _Hook) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/hook"


def _alert(severity: Severity = Severity.HIGH) -> Alert:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Alert(
        id=7,
        dedupe_key="d/s/persistence",
        deployment_id="d",
        session_id="s",
        monitor="rogue-precursors",
        category="persistence",
        severity=severity,
        score=0.93,
        status=AlertStatus.OPEN,
        first_seen=now,
        last_seen=now,
        count=1,
        evidence=("e1",),
        explanation="a systemd unit was written",
    )


def test_payload_is_slack_compatible() -> None:
    """The body has a `text` fallback and `blocks` with the explanation."""
    payload = slack_payload(_alert())
    assert "persistence" in payload["text"]
    assert payload["blocks"][1]["text"]["text"] == "a systemd unit was written"


def test_alert_at_severity_is_posted(hook: _Hook) -> None:
    """An alert at or above the minimum severity is posted as JSON to the webhook."""
    with WebhookNotifier(_url(hook), min_severity=Severity.HIGH) as notifier:
        future = notifier.notify(_alert())
        assert future is not None
        assert future.result(timeout=10) is True
    assert hook.received == [slack_payload(_alert())]


def test_alert_below_severity_is_not_posted(hook: _Hook) -> None:
    """An alert below the minimum severity is not sent."""
    with WebhookNotifier(_url(hook), min_severity=Severity.HIGH) as notifier:
        assert notifier.notify(_alert(Severity.MEDIUM)) is None
    assert hook.received == []


def test_failed_post_is_reported_not_raised(hook: _Hook) -> None:
    """A webhook answering 500 is handed to `on_failure`; nothing raises."""
    hook.status = 500
    failures: list[str] = []
    with WebhookNotifier(
        _url(hook), on_failure=lambda alert, error: failures.append(error)
    ) as notifier:
        future = notifier.notify(_alert())
        assert future is not None
        assert future.result(timeout=10) is False
    assert len(failures) == 1
    assert "500" in failures[0]
