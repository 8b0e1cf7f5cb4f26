"""The approvals page `/approvals`: each waiting `ask`, readable, with approve and deny."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from watchkeeper.events import Decision, Reasoning, ToolCall
from watchkeeper.normalize import Action, Normalizer
from watchkeeper.review import (
    MAX_GRANT_DURATION,
    ApprovalError,
    GrantError,
    GrantSpec,
    PendingApproval,
    closed_message,
)
from watchkeeper.review.web._auth import ReviewHttpError, check_csrf, require_reviewer
from watchkeeper.review.web._calls import CallView, call_view
from watchkeeper.review.web._context import ReviewContext
from watchkeeper.review.web._text import Clipped, clip

__all__ = ["GrantOffer", "approvals_router", "grant_offer"]

#: How many of the session's latest reasoning blocks an approval shows.
REASONING_SHOWN = 3
#: The grant lengths offered, in hours.
GRANT_HOURS = (1, 2, 4, 8, 24)
_SUBCOMMAND = re.compile(r"[a-z][a-z0-9_-]*\Z")


@dataclass(frozen=True, slots=True)
class GrantOffer:
    """The "allow similar" a reviewer may make with an approval, described before it is made."""

    tool: str
    command: tuple[str, ...]
    path_prefix: str | None
    cwd_prefix: str | None

    def describe(self) -> str:
        """One line saying what the grant would allow."""
        what = f"`{' '.join(self.command)} …`" if self.command else f"`{self.tool}`"
        where = f" in {self.cwd_prefix}" if self.cwd_prefix else ""
        if self.path_prefix:
            where += f" on paths under {self.path_prefix}"
        return f"allow {what}{where}"

    def spec(self, deployment_id: str, hours: int, reviewer: str, reason: str) -> GrantSpec:
        """Return the `GrantSpec` for this offer, lasting `hours`."""
        return GrantSpec(
            deployment_id=deployment_id,
            tool=self.tool,
            command=self.command,
            path_prefix=self.path_prefix,
            cwd_prefix=self.cwd_prefix,
            duration=timedelta(hours=hours),
            reason=reason,
            created_by=reviewer,
        )


def _prefix(argv: tuple[str, ...]) -> tuple[str, ...]:
    if len(argv) > 1 and _SUBCOMMAND.match(argv[1]):
        return argv[:2]
    return argv[:1]


def grant_offer(call: ToolCall, action: Action) -> GrantOffer | None:
    """Return the grant "similar" calls would get, or None when none would be safe to offer.

    A shell call is offered its command prefix (name plus a subcommand word, ``npm test``)
    when every command in it shares that prefix; another tool is offered its working
    directory as path prefix. Calls with hosts, code, detaching or parse errors get none.
    """
    if action.errors or action.code or action.detached or action.hosts or action.urls:
        return None
    cwd = call.cwd if call.cwd and call.cwd.startswith("/") else None
    if action.commands:
        prefixes = {_prefix(c.argv) for c in action.commands}
        if len(prefixes) != 1 or any(c.wrappers for c in action.commands):
            return None
        (command,) = prefixes
        if not command:
            return None
        writes_ok = not action.writes
        return GrantOffer(call.tool, command, None if writes_ok else cwd, cwd)
    if cwd is None:
        return None
    return GrantOffer(call.tool, (), cwd, cwd)


@dataclass(frozen=True, slots=True)
class ApprovalView:
    """One waiting approval as the page shows it."""

    id: str
    pending: PendingApproval
    call: CallView
    rule_ids: tuple[str, ...]
    explanation: str
    reasoning: tuple[Clipped, ...]
    offer: GrantOffer | None


def _reasoning(context: ReviewContext, call: ToolCall) -> tuple[Clipped, ...]:
    latest: deque[str] = deque(maxlen=REASONING_SHOWN)
    for _seq, event in context.ledger.events(session_id=call.session_id):
        if isinstance(event, Reasoning) and event.deployment_id == call.deployment_id:
            latest.append(event.text)
    return tuple(clip(text) for text in latest)


class _Views:
    """Builds the approval views; an approval's reasoning is read from the ledger once.

    Pending approvals do not change while they wait, so the list polled every few seconds
    does not re-read a long session each time.
    """

    def __init__(self, context: ReviewContext) -> None:
        self._context = context
        self._normalizer = Normalizer()
        self._reasoning: dict[str, tuple[Clipped, ...]] = {}

    def build(self) -> list[ApprovalView]:
        context = self._context
        if context.approvals is None:
            return []
        pending_now = context.approvals.pending()
        waiting = {p.id for p in pending_now}
        self._reasoning = {k: v for k, v in self._reasoning.items() if k in waiting}
        views = []
        for pending in pending_now:
            try:
                action: Action | None = self._normalizer.tool_call(pending.call)
            except Exception:  # noqa: BLE001 - the call view shows the parse error
                action = None
            offer = None if action is None else grant_offer(pending.call, action)
            if context.grants is None:
                offer = None
            reasoning = self._reasoning.get(pending.id)
            if reasoning is None:
                reasoning = self._reasoning[pending.id] = _reasoning(context, pending.call)
            views.append(
                ApprovalView(
                    pending.id,
                    pending,
                    call_view(pending.call, self._normalizer),
                    pending.verdict.rule_ids,
                    pending.verdict.explanation,
                    reasoning,
                    offer,
                )
            )
        return views


def approvals_router(context: ReviewContext) -> APIRouter:
    """Return the approvals page, its live fragment and the resolve action."""
    router = APIRouter()
    normalizer = Normalizer()
    views = _Views(context)

    def done(approval_id: str) -> str:
        resolution = (
            None if context.approvals is None else context.approvals.resolution(approval_id)
        )
        if resolution is None:
            return ""
        note = (
            f"Approval {approval_id[:8]}: {resolution.action} by {resolution.reviewer}; the "
            f"agent was told {resolution.decision.value}"
        )
        if resolution.errors:
            note += f" (the review was not recorded: {resolution.errors[0]})"
        if resolution.grant_id:
            note += f"; grant {resolution.grant_id} made"
        return note + "."

    def page(request: Request, name: str) -> HTMLResponse:
        flash = done(request.query_params.get("done", "")[:64])
        user = require_reviewer(request)
        return context.render(
            request,
            name,
            user,
            approvals=views.build(),
            enabled=context.approvals is not None,
            hours=GRANT_HOURS,
            flash=flash,
        )

    @router.get("/approvals", response_class=HTMLResponse, include_in_schema=False)
    def approvals(request: Request) -> HTMLResponse:
        return page(request, "approvals.html")

    @router.get("/fragments/approvals", response_class=HTMLResponse, include_in_schema=False)
    def approvals_fragment(request: Request) -> HTMLResponse:
        return page(request, "_approvals_list.html")

    @router.post("/approvals/{approval_id}/resolve", include_in_schema=False)
    def resolve(
        request: Request,
        approval_id: str,
        *,
        decision: Annotated[str, Form()] = "",
        reason: Annotated[str, Form(max_length=4000)] = "",
        grant_hours: Annotated[int, Form(ge=0)] = 0,
        csrf_token: Annotated[str, Form()] = "",
    ) -> Response:
        user = require_reviewer(request)
        check_csrf(request, csrf_token)
        queue = context.approvals
        if queue is None:
            raise ReviewHttpError(404, "this gateway does not hold asks; nothing to resolve")
        if decision not in ("allow", "deny"):
            raise ReviewHttpError(400, f"decision `{decision[:20]}` is not allow or deny")
        pending = queue.get(approval_id)
        if pending is None:
            ended = queue.resolution(approval_id)
            raise ReviewHttpError(
                409,
                closed_message(ended)
                if ended is not None
                else f"approval `{approval_id[:64]}` is no longer waiting; it was resolved or "
                "timed out",
            )
        grant = None
        if decision == "allow" and grant_hours:
            if grant_hours > MAX_GRANT_DURATION // timedelta(hours=1):
                raise ReviewHttpError(400, f"grant of `{grant_hours}` hours is longer than 24 h")
            offer = grant_offer(pending.call, normalizer.tool_call(pending.call))
            if offer is None:
                raise ReviewHttpError(400, "this call cannot be granted for similar calls")
            try:
                grant = offer.spec(pending.deployment_id, grant_hours, user.name, reason)
            except ValueError as exc:
                raise ReviewHttpError(400, f"the grant cannot be made: {exc}") from exc
        try:
            resolution = queue.resolve(
                approval_id,
                Decision.ALLOW if decision == "allow" else Decision.DENY,
                reviewer=user.name,
                reason=reason,
                grant=grant,
            )
        except (ApprovalError, GrantError) as exc:
            raise ReviewHttpError(409, str(exc)) from exc
        return RedirectResponse(f"/approvals?done={resolution.approval_id}", status_code=303)

    return router
