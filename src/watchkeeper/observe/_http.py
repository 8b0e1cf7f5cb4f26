"""`GET /metrics` on the gateway's app, behind a bearer token, and request counting."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from watchkeeper.gateway import TokenStore, TokenStoreError
from watchkeeper.gateway._errors import error_response
from watchkeeper.observe._metrics import CONTENT_TYPE, GatewayMetrics

__all__ = ["METRICS_PATH", "MetricsAccess", "install_metrics"]

#: Where the metrics are served.
METRICS_PATH = "/metrics"

_log = logging.getLogger(__name__)
_UNMATCHED = "(unmatched)"
# Anything else a client sends is counted as `other`, so it cannot grow the label set.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsAccess:
    """Who may scrape: a bearer that is an admin token of `tokens`, or `scrape_token`.

    The scrape token grants nothing but `/metrics`; it is compared by its SHA-256 digest in
    constant time.
    """

    def __init__(self, tokens: TokenStore, scrape_token: str | None = None) -> None:
        self._tokens = tokens
        self._scrape = None if not scrape_token else _digest(scrape_token)

    def allows(self, token: str) -> bool:
        """Return whether `token` may read the metrics (raises `TokenStoreError`)."""
        if self._scrape is not None and hmac.compare_digest(_digest(token), self._scrape):
            return True
        principal = self._tokens.resolve(token)
        return principal is not None and principal.admin


def install_metrics(
    app: FastAPI,
    metrics: GatewayMetrics,
    access: MetricsAccess,
    *,
    head_seq: Callable[[], int] | None = None,
) -> None:
    """Serve `metrics` at `GET /metrics` of `app` to bearers `access` allows; count requests.

    Call before the app starts serving. With `head_seq`, the ledger head is exposed as
    `watchkeeper_ledger_head_seq`; when `app.state.approvals` holds an approval queue (one
    with `pending()`), its length is exposed as `watchkeeper_approvals_pending`.
    """
    if head_seq is not None:
        metrics.watch(
            "watchkeeper_ledger_head_seq",
            "Sequence number of the newest committed ledger record.",
            head_seq,
        )
    metrics.watch(
        "watchkeeper_approvals_pending",
        "Tool calls waiting for a person's approval.",
        lambda: _pending(app),
    )

    def read_metrics(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _refused("missing bearer token; send `Authorization: Bearer <token>`")
        try:
            allowed = access.allows(token.strip())
        except TokenStoreError as exc:
            return error_response(503, str(exc))
        if not allowed:
            return _refused(
                "this token may not read metrics; use the scrape token in "
                "`<home>/metrics.token` or an admin token"
            )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE)

    app.add_api_route(
        METRICS_PATH,
        read_metrics,
        methods=["GET"],
        summary="Prometheus metrics (bearer: the scrape token or an admin token)",
        tags=["observability"],
        response_class=Response,
    )
    app.add_middleware(_CountRequests, count=metrics.request_answered)


def _pending(app: FastAPI) -> int | None:
    queue: Any = getattr(app.state, "approvals", None)
    if queue is None:
        return None
    return len(queue.pending())


def _refused(message: str) -> Response:
    response = error_response(401, message)
    response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class _CountRequests:
    """ASGI middleware: count each HTTP request by route template, method and status."""

    def __init__(self, app: ASGIApp, count: Callable[[str, str, int], None]) -> None:
        self._app = app
        self._count = count

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self._app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None)
            method = scope["method"] if scope["method"] in _METHODS else "other"
            try:
                self._count(route if isinstance(route, str) else _UNMATCHED, method, status)
            except Exception:  # noqa: BLE001 - counting must never break a response
                _log.exception("counting a request failed")
