"""The deployments page `/deployments`: inventory, and suspend, resume, revoke and kill (admins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from watchkeeper.clock import utcnow
from watchkeeper.deployments import Deployment, DeploymentError
from watchkeeper.review.web._auth import (
    Reviewer,
    ReviewHttpError,
    check_csrf,
    require_admin,
    require_reviewer,
)
from watchkeeper.review.web._context import ReviewContext

__all__ = ["ACTIONS", "deployments_router"]

#: Each action → the statuses it applies to and what the confirmation page says it does.
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "suspend": (
        ("active",),
        "Every call of this deployment is denied until it is resumed; its tokens stay issued.",
    ),
    "resume": (("suspended",), "This deployment's calls are decided by its policy again."),
    "revoke": (
        ("active", "suspended"),
        "This deployment and every token of it are revoked for good; this cannot be undone.",
    ),
    "kill": (
        ("active", "suspended", "revoked"),
        "Revoke its tokens, freeze and kill every process of its supervised sessions, sweep "
        "for persistence, verify nothing survived and record the report (as `watchkeeper "
        "kill`).",
    ),
}


@dataclass(frozen=True, slots=True)
class DeploymentRow:
    """One deployment as the inventory lists it."""

    deployment: Deployment
    state: str
    heartbeat: datetime | None
    actions: tuple[str, ...]


def _actions(deployment: Deployment) -> tuple[str, ...]:
    return tuple(name for name, (statuses, _) in ACTIONS.items() if deployment.status in statuses)


def _find(context: ReviewContext, name: str) -> Deployment:
    found = context.registry.get(name)
    if found is None:
        raise ReviewHttpError(
            404, f"no deployment is registered as `{name[:200]}`; see the deployments page"
        )
    return found


def _check_action(deployment: Deployment, action: str) -> str:
    if action not in ACTIONS:
        raise ReviewHttpError(404, f"deployment action `{action[:20]}` does not exist")
    statuses, meaning = ACTIONS[action]
    if deployment.status not in statuses:
        raise ReviewHttpError(
            409, f"deployment `{deployment.name}` is {deployment.status}; it cannot {action}"
        )
    return meaning


def deployments_router(context: ReviewContext) -> APIRouter:
    """Return the deployments page, the confirmation step and the actions."""
    router = APIRouter()

    @router.get("/deployments", response_class=HTMLResponse, include_in_schema=False)
    def deployments(request: Request) -> HTMLResponse:
        user = require_reviewer(request)
        now = utcnow()
        beats = context.status.snapshot.heartbeats
        rows = [
            DeploymentRow(d, d.state(now), beats.get(d.name), _actions(d))
            for d in context.registry.list()
        ]
        return context.render(request, "deployments.html", user, rows=rows)

    @router.get(
        "/deployments/{name}/confirm/{action}",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def confirm(request: Request, name: str, action: str) -> HTMLResponse:
        user = require_admin(request)
        deployment = _find(context, name)
        meaning = _check_action(deployment, action)
        return context.render(
            request,
            "deployment_confirm.html",
            user,
            deployment=deployment,
            action=action,
            meaning=meaning,
        )

    @router.post("/deployments/{name}/{action}", include_in_schema=False)
    def act(
        request: Request,
        name: str,
        action: str,
        reason: Annotated[str, Form(max_length=4000)] = "",
        csrf_token: Annotated[str, Form()] = "",
    ) -> Response:
        user = require_admin(request)
        check_csrf(request, csrf_token)
        deployment = _find(context, name)
        _check_action(deployment, action)
        context.audit(
            action,
            user,
            target=f"deployment:{name}",
            reason=reason,
            detail={"status": deployment.status},
            deployment_id=name,
        )
        try:
            if action == "kill":
                return _kill(context, request, user, deployment, reason)
            change = {
                "suspend": context.registry.suspend,
                "resume": context.registry.resume,
                "revoke": context.registry.revoke,
            }[action]
            change(name, actor=user.name, reason=reason)
        except DeploymentError as exc:
            raise ReviewHttpError(409, str(exc)) from exc
        return RedirectResponse(f"/deployments#deployment-{name}", status_code=303)

    return router


def _kill(
    context: ReviewContext,
    request: Request,
    reviewer: Reviewer,
    deployment: Deployment,
    reason: str,
) -> HTMLResponse:
    """Run the kill switch on `deployment` as `watchkeeper kill NAME` does; show the report."""
    from watchkeeper.contain import ContainError, KillTarget, contain

    try:
        report = contain(
            context.home,
            KillTarget(name=deployment.name),
            registry=context.registry,
            ledger=context.ledger,
            reason=reason,
            actor=reviewer.name,
        )
    except ContainError as exc:
        raise ReviewHttpError(409, str(exc)) from exc
    return context.render(
        request,
        "kill_report.html",
        reviewer,
        deployment=deployment,
        contained=report.contained,
        lines=report.lines(),
    )
