"""The alerts page `/alerts`: filter, sort and triage monitor findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from watchkeeper.alerts import ACTIVE_STATUSES, Alert, AlertNotFoundError, AlertStatus
from watchkeeper.events import Severity
from watchkeeper.review.web._auth import ReviewHttpError, check_csrf, require_reviewer
from watchkeeper.review.web._context import ReviewContext
from watchkeeper.review.web._text import Clipped, clip, plain

__all__ = ["AlertFilter", "alerts_router", "select_alerts"]

#: The most alerts one page lists.
LIST_LIMIT = 500
SORTS = ("severity", "newest", "oldest", "count", "score")
STATUSES = ("active", "all", *(s.value for s in AlertStatus))
#: Triage action → the status it sets (None: the status is kept).
TRIAGE: dict[str, AlertStatus | None] = {
    "acknowledge": AlertStatus.ACKNOWLEDGED,
    "confirm": AlertStatus.CONFIRMED,
    "dismiss": AlertStatus.DISMISSED,
    "reopen": AlertStatus.OPEN,
    "assign": None,
}


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """What the alert list shows: blank fields do not filter."""

    status: str = "active"
    severity: str = ""
    category: str = ""
    deployment: str = ""
    sort: str = "severity"

    @classmethod
    def from_query(cls, query: QueryParams) -> AlertFilter:
        """Read the filter from query parameters, falling back to defaults for bad values."""
        status = query.get("status", "active")
        severity = query.get("severity", "")
        sort = query.get("sort", "severity")
        return cls(
            status=status if status in STATUSES else "active",
            severity=severity if severity in {s.value for s in Severity} else "",
            category=query.get("category", "")[:200],
            deployment=query.get("deployment", "")[:200],
            sort=sort if sort in SORTS else "severity",
        )

    def query(self) -> str:
        """The filter as a query string."""
        fields = {
            "status": self.status,
            "severity": self.severity,
            "category": self.category,
            "deployment": self.deployment,
            "sort": self.sort,
        }
        return urlencode({k: v for k, v in fields.items() if v})


def _sorted(alerts: list[Alert], sort: str) -> list[Alert]:
    if sort == "newest":
        return sorted(alerts, key=lambda a: a.last_seen, reverse=True)
    if sort == "oldest":
        return sorted(alerts, key=lambda a: a.first_seen)
    if sort == "count":
        return sorted(alerts, key=lambda a: (a.count, a.id), reverse=True)
    if sort == "score":
        return sorted(alerts, key=lambda a: (a.score, a.id), reverse=True)
    return sorted(alerts, key=lambda a: (a.severity.rank, a.score, a.id), reverse=True)


def select_alerts(context: ReviewContext, wanted: AlertFilter) -> list[Alert]:
    """Return the alerts `wanted` selects, in its order."""
    status = None
    if wanted.status not in ("active", "all"):
        status = AlertStatus(wanted.status)
    found = context.alerts.list(status=status, limit=100_000)
    if wanted.status == "active":
        found = [a for a in found if a.status in ACTIVE_STATUSES]
    if wanted.severity:
        found = [a for a in found if a.severity.value == wanted.severity]
    if wanted.category:
        found = [a for a in found if a.category == wanted.category]
    if wanted.deployment:
        found = [a for a in found if a.deployment_id == wanted.deployment]
    return _sorted(found, wanted.sort)[:LIST_LIMIT]


@dataclass(frozen=True, slots=True)
class AlertRow:
    """One alert as the table shows it."""

    alert: Alert
    explanation: Clipped
    anchor: str


def alerts_router(context: ReviewContext) -> APIRouter:
    """Return the alerts page, its live fragment and the triage action."""
    router = APIRouter()

    def page(request: Request, name: str) -> HTMLResponse:
        user = require_reviewer(request)
        wanted = AlertFilter.from_query(request.query_params)
        every = context.alerts.list(limit=100_000)
        rows = [
            AlertRow(a, clip(a.explanation, head=600), a.evidence[0] if a.evidence else "")
            for a in select_alerts(context, wanted)
        ]
        return context.render(
            request,
            name,
            user,
            rows=rows,
            filter=wanted,
            query=wanted.query(),
            categories=sorted({a.category for a in every}),
            deployments=sorted({a.deployment_id for a in every}),
            severities=[s.value for s in reversed(Severity)],
            statuses=STATUSES,
            sorts=SORTS,
        )

    @router.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts(request: Request) -> HTMLResponse:
        return page(request, "alerts.html")

    @router.get("/fragments/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts_fragment(request: Request) -> HTMLResponse:
        return page(request, "_alerts_table.html")

    @router.post("/alerts/{alert_id}/triage", include_in_schema=False)
    def triage(
        request: Request,
        alert_id: int,
        *,
        action: Annotated[str, Form()] = "",
        note: Annotated[str, Form(max_length=4000)] = "",
        assignee: Annotated[str, Form(max_length=200)] = "",
        back: Annotated[str, Form(max_length=2000)] = "",
        csrf_token: Annotated[str, Form()] = "",
    ) -> Response:
        user = require_reviewer(request)
        check_csrf(request, csrf_token)
        if action not in TRIAGE:
            raise ReviewHttpError(
                400, f"triage action `{action[:20]}` is not one of {list(TRIAGE)}"
            )
        try:
            alert = context.alerts.get(alert_id)
        except AlertNotFoundError as exc:
            raise ReviewHttpError(404, str(exc)) from exc
        note = plain(note).strip()
        if action == "dismiss" and not note:
            raise ReviewHttpError(400, "dismissing alert needs a note saying why; add one")
        who = plain(assignee).strip() or (user.name if action == "assign" else "")
        status = TRIAGE[action] or alert.status
        context.audit(
            action,
            user,
            target=f"alert:{alert.id}",
            reason=note,
            detail={
                "from": alert.status.value,
                "to": status.value,
                "assignee": who or None,
                "category": alert.category,
                "severity": alert.severity.value,
            },
            deployment_id=alert.deployment_id,
            session_id=alert.session_id,
        )
        context.alerts.set_status(alert.id, status, note=note or None, assignee=who or None)
        back_query = AlertFilter.from_query(QueryParams(back)).query()
        return RedirectResponse(f"/alerts?{back_query}#alert-{alert.id}", status_code=303)

    return router
