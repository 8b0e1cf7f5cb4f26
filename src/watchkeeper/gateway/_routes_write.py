"""Routes that record: `/v1/decide`, `/v1/events`, `/v1/hooks/claude-code`.

These are the hot path, so they take the bare `Request` and authenticate in the handler
(`_principal`) instead of through FastAPI's dependency resolver (about 0.08 ms of CPU per
request less, measured in-process), and are served by plain Starlette routes (see the end of
`add_write_routes`); their OpenAPI entries still declare the bearer scheme.
Replies are serialised once, by pydantic, into the response body.

No `from __future__ import annotations` here: FastAPI reads the annotations of handlers at
runtime, and `authenticator`'s refer to `bearer_scheme` (the read routes depend on it).
"""

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ValidationError
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import Scope

from watchkeeper.events import Decision, Event, Lifecycle, ToolCall, parse_event
from watchkeeper.gateway._context import GatewayContext, bearer_scheme
from watchkeeper.gateway._errors import ApiError, one_line
from watchkeeper.gateway._holding import hold_decided, hook_answer
from watchkeeper.gateway._hooks import hook_failure_reply
from watchkeeper.gateway._models import (
    DecideRequest,
    DecideResponse,
    ErrorResponse,
    EventsRequest,
    EventsResponse,
    HookRequest,
    HookResponse,
    RecordedEvent,
)
from watchkeeper.gateway._pipeline import RecordError
from watchkeeper.gateway._tokens import Principal
from watchkeeper.ledger import ROTATION_PHASE

__all__ = ["AUTH_RESPONSES", "add_write_routes", "authenticator"]

_log = logging.getLogger(__name__)

_REJECTED_MESSAGE = "watchkeeper could not read this tool call, so it was blocked."
_BEARER_SCHEME = bearer_scheme.scheme_name

AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "missing, unknown, expired or revoked token"},
    403: {"model": ErrorResponse, "description": "acting for another deployment needs admin"},
}
_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    413: {"model": ErrorResponse, "description": "request body over the size limit"},
}


def authenticator(context: GatewayContext) -> Callable[..., Awaitable[Principal]]:
    """Return the FastAPI dependency that resolves the request's bearer token."""

    async def authenticate(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    ) -> Principal:
        return await context.authenticate(request, credentials)

    return authenticate


def _body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI extras of a write route: its request body and the bearer scheme."""
    schema = {"schema": model.model_json_schema()}
    return {
        "requestBody": {"required": True, "content": {"application/json": schema}},
        "security": [{_BEARER_SCHEME: []}],
    }


async def _principal(context: GatewayContext, request: Request) -> Principal:
    """Who `request` acts for (raises a 401/403/503 `ApiError`), without FastAPI's resolver."""
    return await context.authenticate_fast(request)


def _json(model: BaseModel, status: int = 200) -> Response:
    """Reply with `model` as JSON, serialised in one pass by pydantic."""
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")


def add_write_routes(app: FastAPI, context: GatewayContext) -> None:
    """Register the recording routes of `app`."""

    @app.post(
        "/v1/decide",
        response_model=DecideResponse,
        responses={**_WRITE_RESPONSES, 400: {"model": DecideResponse}},
        openapi_extra=_body_schema(DecideRequest),
    )
    async def decide(request: Request) -> Response:
        """Decide one tool call; the call and its verdict are durable before the reply.

        A request that cannot be parsed still gets a deny verdict, with status 400. When the
        gateway holds asks for review, an `ask` comes with an `approval_id` (or, with
        `wait: true`, the reviewer's final allow or deny).
        """
        principal = await _principal(context, request)
        raw = await context.body(request, principal, "gateway.decide")
        try:
            parsed = DecideRequest.model_validate_json(raw)
            call = ToolCall(
                deployment_id=principal.deployment_id, **parsed.model_dump(exclude={"wait"})
            )
        except ValidationError as exc:
            message = one_line(exc)
            await context.record_rejected(principal, "gateway.decide", message, raw)
            return _json(
                DecideResponse(
                    decision=Decision.DENY,
                    rule_ids=[],
                    explanation=f"malformed decide request: {message}",
                    agent_message=_REJECTED_MESSAGE,
                    errors=[message],
                    call_id=None,
                    error=message,
                ),
                400,
            )
        verdict = await context.in_thread(context.pipeline.decide, call)
        verdict, approval_id = await hold_decided(context, call, verdict, wait=parsed.wait)
        answer = DecideResponse(
            decision=verdict.decision,
            rule_ids=list(verdict.rule_ids),
            explanation=verdict.explanation,
            agent_message=verdict.agent_message,
            errors=list(verdict.errors),
            call_id=call.id,
            approval_id=approval_id,
        )
        return _json(answer)

    @app.post(
        "/v1/events",
        response_model=EventsResponse,
        responses={
            **_WRITE_RESPONSES,
            400: {"model": ErrorResponse},
            422: {"model": ErrorResponse},
            503: {"model": ErrorResponse},
        },
        openapi_extra=_body_schema(EventsRequest),
    )
    async def record_events(request: Request) -> Response:
        """Record events (tool results, reasoning, messages, lifecycle, errors) durably."""
        principal = await _principal(context, request)
        raw = await context.body(request, principal, "gateway.events")
        try:
            parsed = EventsRequest.model_validate_json(raw)
            records = _events_for(principal.deployment_id, parsed.events)
        except ValidationError as exc:
            message = one_line(exc)
            await context.record_rejected(principal, "gateway.events", message, raw)
            raise ApiError(400 if "not valid JSON" in message else 422, message) from exc
        except ApiError as exc:
            await context.record_rejected(principal, "gateway.events", exc.message, raw)
            raise
        try:
            receipts = await context.in_thread(context.pipeline.record, records)
        except RecordError as exc:
            raise ApiError(503, str(exc)) from exc
        return _json(
            EventsResponse(recorded=[RecordedEvent(id=r.event_id, seq=r.seq) for r in receipts])
        )

    @app.post(
        "/v1/hooks/claude-code",
        response_model=HookResponse,
        responses={**_WRITE_RESPONSES, 400: {"model": HookResponse}, 500: {"model": HookResponse}},
        openapi_extra=_body_schema(HookRequest),
    )
    async def claude_code_hook(request: Request) -> Response:
        """Handle one Claude Code hook event; the reply says what the hook prints.

        Any failure replies with a deny for PreToolUse events (fail-closed). When the gateway
        holds asks for review, an `ask` is answered once a reviewer allows or denies it.
        """
        where = "gateway.hooks.claude-code"
        principal = await _principal(context, request)
        raw = await context.body(request, principal, where)
        try:
            parsed = HookRequest.model_validate_json(raw)
        except ValidationError as exc:
            message = one_line(exc)
            await context.record_rejected(principal, where, message, raw)
            return _hook_response(hook_failure_reply(raw), 400, message)
        try:
            reply = await context.in_thread(
                context.hooks.handle,
                parsed.payload,
                parsed.transcript_lines,
                deployment_id=principal.deployment_id,
            )
        except Exception as exc:  # noqa: BLE001 - fail closed: the hook gets a deny reply
            _log.exception("claude code hook failed")
            message = f"hook handling failed: {type(exc).__name__}: {exc}"
            await context.record_rejected(principal, where, message, raw)
            return _hook_response(hook_failure_reply(raw), 500, message)
        return await hook_answer(context, reply)

    _serve_plainly(
        app,
        {
            "/v1/decide": decide,
            "/v1/events": record_events,
            "/v1/hooks/claude-code": claude_code_hook,
        },
    )


def _serve_plainly(
    app: FastAPI, handlers: Mapping[str, Callable[[Request], Awaitable[Response]]]
) -> None:
    """Serve the POST `handlers` by plain Starlette routes placed before every other route.

    FastAPI's request handler resolves dependencies (and opens an exit stack) for every
    request: about 140 Python calls a decide that these handlers, which take the bare
    request, do not need. Their FastAPI routes stay registered for the OpenAPI schema.
    """
    app.router.routes[:0] = [
        _PlainRoute(path, handler, methods=["POST"]) for path, handler in handlers.items()
    ]


class _PlainRoute(Route):
    """A Starlette route that names itself in the scope, as FastAPI's do (the request metrics
    count by `scope["route"].path`)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match != Match.NONE:
            child["route"] = self
        return match, child


def _events_for(deployment_id: str, items: Sequence[Mapping[str, Any]]) -> list[Event]:
    """Validate client events, stamping them with the token's deployment."""
    records: list[Event] = []
    for index, item in enumerate(items):
        if item.get("kind") == "verdict":
            raise ApiError(
                422, f"event `{index}` has kind `verdict`; verdicts are issued only by the gateway"
            )
        try:
            event = parse_event({**item, "deployment_id": deployment_id})
        except ValidationError as exc:
            raise ApiError(422, f"event `{index}`: {one_line(exc)}") from exc
        if isinstance(event, Lifecycle) and event.phase == ROTATION_PHASE:
            raise ApiError(
                422,
                f"event `{index}` is a key-rotation record; only `watchkeeper ledger rotate-key` "
                "writes those",
            )
        records.append(event)
    return records


def _hook_response(reply: HookResponse, status: int = 200, error: str | None = None) -> Response:
    content: dict[str, Any] = reply.model_dump(mode="json")
    if error is not None:
        content["error"] = error
    return JSONResponse(content, status_code=status)
