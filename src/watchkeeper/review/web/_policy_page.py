"""The policy page `/policy`: active rules, how often each fired in the last day, and grants."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from watchkeeper.policy import Policy, PolicyError, load_policy
from watchkeeper.review import GrantError
from watchkeeper.review.web._auth import (
    ReviewHttpError,
    check_csrf,
    require_admin,
    require_reviewer,
)
from watchkeeper.review.web._context import ReviewContext

__all__ = ["policy_router"]


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One active rule and how often it decided a call in the last 24 h."""

    id: str
    decision: str
    description: str
    origin: str
    pack: str | None
    match: str
    fired: int


class _PolicyCache:
    """The loaded policy file, reloaded when its modification time changes."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._policy: Policy | None = None

    def load(self, context: ReviewContext) -> Policy:
        stat = context.policy_path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        if self._policy is None or key != self._key:
            self._policy, self._key = load_policy(context.policy_path), key
        return self._policy


def policy_router(context: ReviewContext) -> APIRouter:
    """Return the policy page and the grant revocation action."""
    router = APIRouter()
    cache = _PolicyCache()

    @router.get("/policy", response_class=HTMLResponse, include_in_schema=False)
    def policy(request: Request) -> HTMLResponse:
        user = require_reviewer(request)
        snapshot = context.status.snapshot
        fires = snapshot.rule_fires
        error = ""
        rows: list[RuleRow] = []
        default = ""
        try:
            loaded = cache.load(context)
        except (PolicyError, OSError) as exc:
            error = str(exc)
        else:
            default = loaded.default.value
            rows = [
                RuleRow(
                    r.id,
                    r.decision.value,
                    r.description,
                    r.origin,
                    r.pack,
                    r.match_text,
                    fires.get(r.id, 0),
                )
                for r in loaded.rules
            ]
        grants = [] if context.grants is None else context.grants.list()
        return context.render(
            request,
            "policy.html",
            user,
            rules=rows,
            default=default,
            error=error,
            policy_path=str(context.policy_path),
            verdicts=snapshot.verdicts_in_window,
            counted_at=snapshot.computed_at,
            grants=grants,
            grant_fires={g.id: fires.get(f"grant:{g.id}", 0) for g in grants},
            grants_enabled=context.grants is not None,
            changed=request.query_params.get("changed") == "1",
        )

    @router.post("/grants/{grant_id}/revoke", include_in_schema=False)
    def revoke_grant(
        request: Request,
        grant_id: str,
        reason: Annotated[str, Form(max_length=4000)] = "",
        csrf_token: Annotated[str, Form()] = "",
    ) -> Response:
        user = require_admin(request)
        check_csrf(request, csrf_token)
        if context.grants is None:
            raise ReviewHttpError(404, "this gateway has no grant store; nothing to revoke")
        try:
            context.grants.revoke(grant_id, by=user.name, reason=reason)
        except GrantError as exc:
            raise ReviewHttpError(409, str(exc)) from exc
        return RedirectResponse("/policy#grants", status_code=303)

    return router
