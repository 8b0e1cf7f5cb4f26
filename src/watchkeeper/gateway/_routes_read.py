"""Routes that read: `/v1/health`, `/v1/sessions`, `/v1/sessions/{id}/events`.

No `from __future__ import annotations` here: FastAPI reads these handlers' annotations at
runtime, and they refer to the per-app `authenticate` dependency in the enclosing scope.
"""

from typing import Annotated

from fastapi import Depends, FastAPI, Query

from watchkeeper.gateway._context import GatewayContext
from watchkeeper.gateway._models import EventsPage, HealthResponse, SessionsResponse
from watchkeeper.gateway._routes_write import AUTH_RESPONSES, authenticator
from watchkeeper.gateway._tokens import Principal
from watchkeeper.gateway._views import session_events, session_summaries
from watchkeeper.ledger import ReportsSigning

__all__ = ["add_read_routes"]


def add_read_routes(app: FastAPI, context: GatewayContext) -> None:
    """Register the read-only routes of `app`."""
    authenticate = authenticator(context)
    pipeline = context.pipeline

    @app.get("/v1/health", response_model=HealthResponse)
    async def health() -> HealthResponse:
        """Liveness, the newest ledger sequence number and any degradation; needs no token.

        `status` is ``degraded`` while the ledger records but signs no checkpoints (its
        signing key is missing or unreadable); `ok` stays true, the gateway is alive.
        """
        head_seq = await context.in_thread(pipeline.head_seq)
        store = pipeline.store
        problem = store.signing_problem() if isinstance(store, ReportsSigning) else None
        if problem is None:
            return HealthResponse(ok=True, head_seq=head_seq)
        return HealthResponse(
            ok=True, head_seq=head_seq, status="degraded", problems=[problem.describe()]
        )

    @app.get("/v1/sessions", response_model=SessionsResponse, responses=AUTH_RESPONSES)
    async def sessions(
        principal: Annotated[Principal, Depends(authenticate)],
    ) -> SessionsResponse:
        """Sessions of the token's deployment (of every deployment for an admin token)."""
        scope = None if principal.admin else principal.deployment_id
        found = await context.in_thread(session_summaries, pipeline.store, scope)
        return SessionsResponse(sessions=found)

    @app.get(
        "/v1/sessions/{session_id}/events", response_model=EventsPage, responses=AUTH_RESPONSES
    )
    async def events_of_session(
        session_id: str,
        principal: Annotated[Principal, Depends(authenticate)],
        after_seq: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> EventsPage:
        """One page of a session's recorded events, oldest first."""
        scope = None if principal.admin else principal.deployment_id
        page: EventsPage = await context.in_thread(
            session_events, pipeline.store, session_id, scope, after_seq=after_seq, limit=limit
        )
        return page
