"""The session timeline `/sessions/{deployment}/{session}`: what an agent did, in order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse

from watchkeeper.events import (
    AlertEvent,
    Decision,
    Event,
    Message,
    Reasoning,
    ReviewEvent,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.normalize import Normalizer
from watchkeeper.review.web._auth import require_reviewer
from watchkeeper.review.web._calls import CallView, call_view
from watchkeeper.review.web._context import ReviewContext
from watchkeeper.review.web._text import Clipped, clip, plain

__all__ = ["EventView", "session_events", "timeline_router"]

#: The most events one timeline page shows.
MAX_EVENTS = 5000


@dataclass(frozen=True, slots=True)
class EventView:
    """One event of the timeline: a title line, an optional call, text and flags."""

    seq: int
    id: str
    ts: datetime
    kind: str
    title: str
    call: CallView | None = None
    text: Clipped | None = None
    collapsed: bool = False
    decision: str = ""
    flagged: bool = False
    flag_reason: str = ""


def _view(seq: int, event: Event, normalizer: Normalizer) -> EventView:
    base = (seq, event.id, event.ts, event.kind)
    if isinstance(event, ToolCall):
        view = call_view(event, normalizer)
        return EventView(*base, title=f"{view.tool}: {view.summary}", call=view)
    if isinstance(event, ToolResult):
        title = f"output of {plain(event.tool or 'tool')}" + (" (error)" if event.is_error else "")
        return EventView(*base, title=title, text=clip(event.output), collapsed=True)
    if isinstance(event, Reasoning):
        return EventView(*base, title="reasoning", text=clip(event.text))
    if isinstance(event, Message):
        return EventView(*base, title=f"{event.role} message", text=clip(event.text))
    if isinstance(event, VerdictEvent):
        rules = ", ".join(event.rule_ids) or "the policy default"
        return EventView(
            *base,
            title=f"verdict {event.decision.value} by {rules}",
            text=clip(event.explanation),
            decision=event.decision.value,
        )
    if isinstance(event, AlertEvent):
        return EventView(
            *base,
            title=f"alert {event.severity.value} {event.category} score {event.score:.2f} "
            f"({event.monitor})",
            text=clip(event.explanation),
        )
    if isinstance(event, ReviewEvent):
        return EventView(
            *base,
            title=f"review {event.action} by {event.reviewer} on {event.target}",
            text=clip(event.reason) if event.reason else None,
        )
    data = event.model_dump(mode="json", exclude={"id", "ts", "kind", "schema_version"})
    return EventView(*base, title=event.kind, text=clip(data), collapsed=True)


def session_events(
    context: ReviewContext, deployment: str, session: str
) -> tuple[list[EventView], bool]:
    """Return the session's events as views (flagged steps marked) and whether it was cut."""
    normalizer = Normalizer()
    raw: list[tuple[int, Event]] = []
    cut = False
    for seq, event in context.ledger.events(session_id=session):
        if event.deployment_id != deployment:
            continue
        if len(raw) >= MAX_EVENTS:
            cut = True
            break
        raw.append((seq, event))
    flags: dict[str, str] = {}
    for alert in context.alerts.list(session_id=session, limit=1000):
        if alert.deployment_id == deployment:
            for event_id in alert.evidence:
                flags.setdefault(event_id, f"evidence of alert #{alert.id} ({alert.category})")
    for _seq, event in raw:
        if isinstance(event, AlertEvent):
            for event_id in event.evidence:
                flags.setdefault(event_id, f"evidence of a {event.category} alert")
        elif isinstance(event, VerdictEvent) and event.decision is not Decision.ALLOW:
            flags.setdefault(event.call_id, f"{event.decision.value} by the policy")
            flags.setdefault(event.id, f"{event.decision.value} by the policy")
    views = []
    for seq, event in raw:
        view = _view(seq, event, normalizer)
        reason = flags.get(event.id)
        if reason is not None:
            view = replace(view, flagged=True, flag_reason=reason)
        views.append(view)
    return views, cut


def timeline_router(context: ReviewContext) -> APIRouter:
    """Return the session timeline page."""
    router = APIRouter()

    @router.get(
        "/sessions/{deployment}/{session}", response_class=HTMLResponse, include_in_schema=False
    )
    def timeline(request: Request, deployment: str, session: str) -> HTMLResponse:
        user = require_reviewer(request)
        events, cut = session_events(context, deployment, session)
        return context.render(
            request,
            "session.html",
            user,
            deployment=deployment,
            session=session,
            events=events,
            cut=cut,
            max_events=MAX_EVENTS,
            flagged=sum(1 for e in events if e.flagged),
        )

    return router
