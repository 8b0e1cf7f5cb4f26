"""Mounting the review pages into the gateway's FastAPI app."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from fastapi import FastAPI
from markupsafe import escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from watchkeeper.review.web._alerts import alerts_router
from watchkeeper.review.web._approvals import approvals_router
from watchkeeper.review.web._auth import NotSignedInError, ReviewHttpError
from watchkeeper.review.web._context import Recorder, ReviewContext, template_environment
from watchkeeper.review.web._deployments import deployments_router
from watchkeeper.review.web._headers import SecurityHeaders
from watchkeeper.review.web._overview import overview_router
from watchkeeper.review.web._policy_edit import policy_edit_router
from watchkeeper.review.web._policy_page import policy_router
from watchkeeper.review.web._status import StatusCache
from watchkeeper.review.web._timeline import timeline_router

if TYPE_CHECKING:
    from watchkeeper.alerts import AlertStore
    from watchkeeper.deployments import Registry
    from watchkeeper.ledger import LedgerStore
    from watchkeeper.review import ApprovalQueue, GrantStore

__all__ = ["ReviewUI", "install_review_ui"]

STATIC_DIR = Path(__file__).parent / "static"


class ReviewUI:
    """The installed review pages; owns the background status thread (close it on shutdown)."""

    def __init__(self, context: ReviewContext) -> None:
        self.context = context

    def close(self) -> None:
        """Stop the background status thread."""
        self.context.status.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def install_review_ui(
    app: FastAPI,
    *,
    home: Path,
    record: Recorder,
    ledger: LedgerStore,
    alerts: AlertStore,
    registry: Registry,
    policy_path: Path,
    approvals: ApprovalQueue | None = None,
    grants: GrantStore | None = None,
    status: StatusCache | None = None,
) -> ReviewUI:
    """Serve the review pages from `app` at `/` (static files at `/static`).

    `record` appends events durably (`Pipeline.record`), `ledger` is read for timelines and
    used by the kill switch. The caller keeps ownership of every store. Who may see the
    pages is decided by the accounts middleware (`request.state.user`); without it every
    page answers 401. `status` computes ledger verification, rule counts and coverage in
    the background (default: a `StatusCache` of `home`, started here and stopped by
    `ReviewUI.close`).
    """
    cache = status if status is not None else StatusCache(home).start()
    context = ReviewContext(
        home=home,
        record=record,
        ledger=ledger,
        alerts=alerts,
        registry=registry,
        policy_path=policy_path,
        status=cache,
        env=template_environment(),
        approvals=approvals,
        grants=grants,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="review-static")
    for router in (
        overview_router(context),
        approvals_router(context),
        alerts_router(context),
        timeline_router(context),
        deployments_router(context),
        policy_router(context),
        policy_edit_router(context),
    ):
        app.include_router(router)

    async def refused(request: Request, exc: Exception) -> Response:
        if isinstance(exc, NotSignedInError) and request.method == "GET":
            return RedirectResponse(exc.login_url, status_code=303)
        if not isinstance(exc, ReviewHttpError):  # registered for ReviewHttpError only
            raise exc
        user = getattr(request.state, "user", None)
        if user is None or request.headers.get("hx-request"):
            return HTMLResponse(f"<p class='error'>{escape(exc.message)}</p>", exc.status)
        return context.render(
            request, "error.html", user, exc.status, status=exc.status, message=exc.message
        )

    app.add_exception_handler(ReviewHttpError, refused)
    return ReviewUI(context)
