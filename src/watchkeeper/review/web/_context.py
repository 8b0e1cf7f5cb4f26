"""What every page handler needs: the stores, the templates, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from watchkeeper.clock import utcnow
from watchkeeper.events import Event, ReviewEvent
from watchkeeper.review.web._auth import Reviewer, ReviewHttpError, csrf_token, is_admin
from watchkeeper.review.web._status import StatusCache

if TYPE_CHECKING:
    from watchkeeper.alerts import AlertStore
    from watchkeeper.deployments import Registry
    from watchkeeper.ledger import LedgerStore
    from watchkeeper.review import ApprovalQueue, GrantStore

__all__ = ["REVIEW_SESSION", "Recorder", "ReviewContext", "template_environment"]

#: Review actions outside any agent session use this session id.
REVIEW_SESSION = "review"

Recorder = Callable[[Sequence[Event]], object]


def _age(value: datetime | None) -> str:
    if value is None:
        return "-"
    seconds = int((utcnow() - value).total_seconds())
    if seconds < 0:
        return f"in {_span(-seconds)}"
    return f"{_span(seconds)} ago"


def _span(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S UTC")


def template_environment() -> Environment:
    """Return the jinja2 environment of the review pages (autoescape on for everything)."""
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["age"] = _age
    env.filters["when"] = _when
    return env


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """The review UI's dependencies; the caller of `install_review_ui` owns the stores.

    `record` appends events durably (`Pipeline.record`); `ledger` is read for timelines and
    handed to the kill switch; `approvals` and `grants` are absent on a gateway that does
    not hold asks.
    """

    home: Path
    record: Recorder
    ledger: LedgerStore
    alerts: AlertStore
    registry: Registry
    policy_path: Path
    status: StatusCache
    env: Environment
    approvals: ApprovalQueue | None = None
    grants: GrantStore | None = None

    def audit(
        self,
        action: str,
        reviewer: Reviewer,
        *,
        target: str,
        reason: str = "",
        detail: Mapping[str, Any] | None = None,
        deployment_id: str = "local",
        session_id: str = REVIEW_SESSION,
    ) -> None:
        """Record a `ReviewEvent` durably; raise 503 (nothing is changed) if the ledger fails."""
        event = ReviewEvent(
            deployment_id=deployment_id,
            session_id=session_id,
            action=action,
            reviewer=reviewer.name,
            target=target,
            reason=reason[:4000],
            detail=dict(detail or {}),
        )
        try:
            self.record([event])
        except Exception as exc:
            raise ReviewHttpError(
                503, f"the ledger did not record `{action}` of `{target}`: {exc}; nothing changed"
            ) from exc

    def render(
        self, request: Request, name: str, user: Reviewer, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        """Render template `name` for `user` with `values`."""
        html = self.env.get_template(name).render(
            request=request,
            user=user,
            admin=is_admin(user),
            csrf_token=csrf_token(request),
            path=request.url.path,
            **values,
        )
        return HTMLResponse(html, status_code=status_code)
