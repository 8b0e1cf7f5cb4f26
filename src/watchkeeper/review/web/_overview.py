"""The overview page `/`: what needs a person now, and whether the record can be trusted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse

from watchkeeper.alerts import ACTIVE_STATUSES
from watchkeeper.clock import utcnow
from watchkeeper.deployments import Deployment
from watchkeeper.events import Severity
from watchkeeper.review.web._auth import require_reviewer
from watchkeeper.review.web._calls import summary
from watchkeeper.review.web._context import ReviewContext
from watchkeeper.review.web._status import StatusSnapshot

__all__ = ["overview_router"]


@dataclass(frozen=True, slots=True)
class PendingRow:
    """One waiting approval as the overview lists it."""

    id: str
    tool: str
    summary: str
    deployment: str
    created_at: datetime
    deadline: datetime


@dataclass(frozen=True, slots=True)
class Overview:
    """The overview's facts."""

    deployments: tuple[Deployment, ...]
    heartbeats: dict[str, datetime]
    alerts_by_severity: tuple[tuple[Severity, int], ...]
    open_alerts: int
    pending: tuple[PendingRow, ...]
    approvals_enabled: bool
    status: StatusSnapshot


def build_overview(context: ReviewContext) -> Overview:
    """Collect the overview from the stores and the last status snapshot."""
    now = utcnow()
    active = tuple(d for d in context.registry.list() if d.state(now) == "active")
    counts: Counter[Severity] = Counter()
    for status in ACTIVE_STATUSES:
        for alert in context.alerts.list(status=status, limit=100_000):
            counts[alert.severity] += 1
    by_severity = tuple((s, counts[s]) for s in reversed(Severity))
    pending: tuple[PendingRow, ...] = ()
    if context.approvals is not None:
        pending = tuple(
            PendingRow(
                p.id,
                p.call.tool,
                summary(p.call),
                p.deployment_id,
                p.created_at,
                p.deadline,
            )
            for p in context.approvals.pending()
        )
    snapshot = context.status.snapshot
    return Overview(
        active,
        snapshot.heartbeats,
        by_severity,
        sum(counts.values()),
        pending,
        context.approvals is not None,
        snapshot,
    )


def overview_router(context: ReviewContext) -> APIRouter:
    """Return the routes of the overview page and its live fragment."""
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request) -> HTMLResponse:
        user = require_reviewer(request)
        return context.render(request, "overview.html", user, view=build_overview(context))

    @router.get("/fragments/overview", response_class=HTMLResponse, include_in_schema=False)
    def overview_fragment(request: Request) -> HTMLResponse:
        user = require_reviewer(request)
        return context.render(request, "_overview_body.html", user, view=build_overview(context))

    return router
