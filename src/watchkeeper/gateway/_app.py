"""The HTTP API: FastAPI routes over a `Pipeline`, guarded by deployment tokens and a size limit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.responses import Response

from watchkeeper import __version__
from watchkeeper.gateway._context import GatewayContext
from watchkeeper.gateway._errors import ApiError, error_response
from watchkeeper.gateway._hooks import HookHandler
from watchkeeper.gateway._identity import Identity
from watchkeeper.gateway._pipeline import Pipeline
from watchkeeper.gateway._routes_approvals import add_approval_routes
from watchkeeper.gateway._routes_read import add_read_routes
from watchkeeper.gateway._routes_write import add_write_routes
from watchkeeper.gateway._tokens import TokenStore
from watchkeeper.gateway._unknown_agents import UnknownAgentAlarm

if TYPE_CHECKING:
    from watchkeeper.alerts import AlertStore
    from watchkeeper.deployments import Registry
    from watchkeeper.review import ApprovalQueue, GrantStore

__all__ = ["DEFAULT_MAX_BODY", "create_app"]

DEFAULT_MAX_BODY = 1 << 20

_log = logging.getLogger(__name__)


def create_app(
    pipeline: Pipeline,
    auth: TokenStore,
    *,
    registry: Registry | None = None,
    alerts: AlertStore | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    claude_code: HookHandler | None = None,
    approvals: ApprovalQueue | None = None,
    approval_timeout: float = 120.0,
    grants: GrantStore | None = None,
) -> FastAPI:
    """Return the gateway's FastAPI app; the caller keeps ownership of `pipeline`, `auth`,
    `registry` and `alerts`.

    With `registry`, a token is accepted only for a registered deployment that is active
    (admin tokens of `auth` aside); without one, any active token of `auth` is (an
    embedded gateway; `watchkeeper serve` always passes its home's registry). Refused
    calls raise `unknown-agent` alerts: into the ledger through `pipeline`, and into
    `alerts` (deduplicated there) when given. `claude_code` handles `/v1/hooks/claude-code`;
    by default a `ClaudeCodeAdapter` over `pipeline`. Bodies over `max_body` bytes are
    refused with 413.

    With `approvals`, an `ask` is held for a reviewer for up to `approval_timeout` seconds
    (see docs/review.md); the queue and `grants` (default: the queue's) are kept on
    `app.state.approvals` and `app.state.grants` for the review UI.
    """
    if claude_code is None:
        from watchkeeper.integrations.claude_code import ClaudeCodeAdapter

        claude_code = ClaudeCodeAdapter(pipeline)
    context = GatewayContext(
        pipeline=pipeline,
        identity=Identity(auth, registry),
        alarm=UnknownAgentAlarm(pipeline.record, alerts),
        hooks=claude_code,
        max_body=max_body,
        approvals=approvals,
        approval_timeout=approval_timeout,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context.close()

    app = FastAPI(
        title="watchkeeper gateway",
        version=__version__,
        description="Decide agent tool calls before they run and record what agents do.",
        lifespan=lifespan,
    )
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _invalid_parameters)
    app.add_exception_handler(Exception, _unexpected)
    add_write_routes(app, context)
    add_read_routes(app, context)
    add_approval_routes(app, context)
    app.state.approvals = approvals
    app.state.grants = grants if grants is not None or approvals is None else approvals.grants
    return app


async def _api_error(_request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ApiError):
        return error_response(500, "internal error; see the gateway log")
    return error_response(exc.status, exc.message)


async def _unexpected(_request: Request, exc: Exception) -> Response:
    _log.error("unhandled error in the gateway", exc_info=exc)
    return error_response(500, "internal error in the gateway; the request was not completed")


async def _invalid_parameters(_request: Request, exc: Exception) -> Response:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    if not errors:
        return error_response(422, "request parameters are not valid; see /openapi.json")
    first = errors[0]
    location = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "is not valid"))
    return error_response(422, f"parameter `{location}`: {message[:1].lower()}{message[1:]}")
