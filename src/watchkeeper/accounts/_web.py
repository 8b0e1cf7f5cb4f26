"""`install_auth`: sign-in, sign-out and the `SessionGuard` on a starlette or FastAPI app.

`GET /login` shows the form (with a signed double-submit CSRF token), `POST /login` checks
the rate limit, the token and the password, starts a session and redirects to `next` when
that is a local path; `POST /logout` ends the session. Every sign-in, failed sign-in and
sign-out is a `ReviewEvent` in the ledger (never with the password). A failed sign-in that
starts a lockout says so in its event; attempts refused while locked are not recorded one by
one, so a flood cannot flood the ledger too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from watchkeeper.accounts._access import AuthError, auth_error_response
from watchkeeper.accounts._csrf import LOGIN_CSRF_COOKIE, LoginCsrf
from watchkeeper.accounts._errors import AccountError
from watchkeeper.accounts._forms import BodyTooLargeError, FormError, parse_form, read_body
from watchkeeper.accounts._guard import SessionGuard, signed_in
from watchkeeper.accounts._limiter import LoginLimiter
from watchkeeper.accounts._model import User
from watchkeeper.accounts._sessions import SESSION_COOKIE, WebSessions
from watchkeeper.accounts._store import REVIEW_SESSION, UserStore
from watchkeeper.clock import utcnow
from watchkeeper.events import Event, ReviewEvent

__all__ = ["install_auth", "safe_next"]

_MAX_LOGIN_FORM = 16 * 1024
_log = logging.getLogger(__name__)

EventSink = Callable[[Sequence[Event]], object]


def safe_next(value: str | None) -> str:
    """Return `value` when it is a path on this site, else `/` (no open redirects)."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/logout")):
        return "/"
    return value


def install_auth(
    app: Starlette,
    users: UserStore,
    sessions: WebSessions,
    limiter: LoginLimiter,
    record: EventSink,
    *,
    login_csrf: LoginCsrf | None = None,
) -> None:
    """Add `/login`, `/logout` and the `SessionGuard` middleware to `app`.

    Handlers under the guard find the user in `request.state.user` and the session's CSRF
    token in `request.state.csrf_token`. `record` appends events to the ledger; a sign-in
    it cannot record is refused.
    """
    pages = _LoginPages(users, sessions, limiter, record, login_csrf or LoginCsrf())
    app.add_middleware(SessionGuard, users=users, sessions=sessions)
    app.add_route("/login", pages.show, methods=["GET"], include_in_schema=False)
    app.add_route("/login", pages.sign_in, methods=["POST"], include_in_schema=False)
    app.add_route("/logout", pages.sign_out, methods=["POST"], include_in_schema=False)
    app.add_exception_handler(AuthError, auth_error_response)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


class _LoginPages:
    """The handlers of `/login` and `/logout`."""

    def __init__(
        self,
        users: UserStore,
        sessions: WebSessions,
        limiter: LoginLimiter,
        record: EventSink,
        csrf: LoginCsrf,
    ) -> None:
        self._users = users
        self._sessions = sessions
        self._limiter = limiter
        self._record = record
        self._csrf = csrf
        self._templates = Environment(
            loader=PackageLoader("watchkeeper.accounts", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )

    async def show(self, request: Request) -> Response:
        """`GET /login`: the form, or straight on to `next` when already signed in."""
        target = safe_next(request.query_params.get("next"))
        try:
            if signed_in(request, self._users, self._sessions) is not None:
                return RedirectResponse(target, status_code=303)
        except AccountError as exc:
            _log.error("cannot check a review session: %s", exc)
        return self._form(request, target)

    async def sign_in(self, request: Request) -> Response:
        """`POST /login`: check the form and the password, then start a session."""
        try:
            body = await read_body(request.scope, request.receive, _MAX_LOGIN_FORM)
            form = await parse_form(request.scope, body)
        except BodyTooLargeError:
            return PlainTextResponse("the sign-in form is too large; send less\n", 413)
        except FormError as exc:
            return PlainTextResponse(f"{exc}; send the sign-in form\n", 400)
        username = form.get("username", "").strip().lower()[:200]
        password = form.get("password", "")
        target = safe_next(form.get("next"))
        address = _address(request)
        if not self._csrf.valid(request, form):
            return self._form(
                request, target, username=username, status=403,
                error="the sign-in form expired or came from another site; try again",
            )  # fmt: skip
        lockout = self._limiter.check(username, address)
        if lockout is not None:
            now = utcnow()
            response = self._form(
                request, target, username=username, status=429, error=lockout.message(now)
            )
            response.headers["Retry-After"] = str(lockout.retry_after(now))
            return response
        try:
            user = await run_in_threadpool(self._users.authenticate, username, password)
        except AccountError as exc:
            _log.error("cannot sign `%s` in: %s", username, exc)
            return self._form(
                request, target, username=username, status=503,
                error="sign-in is unavailable: the accounts file cannot be read",
            )  # fmt: skip
        if user is None:
            return await self._failed(request, username, address, target)
        return await self._succeeded(request, user, address, target)

    async def sign_out(self, request: Request) -> Response:
        """`POST /logout`: end the session (the guard has checked it and its CSRF token)."""
        session = self._sessions.drop(request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(
            SESSION_COOKIE, path="/", secure=_secure(request), httponly=True, samesite="strict"
        )
        if session is not None:
            await self._try_record("logout", session.user, {"address": _address(request)})
        return response

    async def _failed(self, request: Request, username: str, address: str, target: str) -> Response:
        started = self._limiter.failure(username, address)
        detail: dict[str, Any] = {
            "address": address,
            "known_user": self._known(username),
            "reason": "bad_credentials",
        }
        if started is not None:
            detail["locked"] = {"scope": started.scope, "until": started.until.isoformat()}
        await self._try_record("login_failed", username or "-", detail)
        return self._form(
            request, target, username=username, status=401,
            error="wrong user name or password",
        )  # fmt: skip

    async def _succeeded(self, request: Request, user: User, address: str, target: str) -> Response:
        self._limiter.success(user.name)
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            self._sessions.drop(old)
        session_id, _session = self._sessions.create(user)
        try:
            await run_in_threadpool(
                self._record,
                [_event("login", user.name, {"address": address, "role": str(user.role)})],
            )
        except Exception as exc:  # noqa: BLE001 - fail closed: no unrecorded sign-in
            self._sessions.drop(session_id)
            _log.error("the ledger did not record the sign-in of `%s`: %s", user.name, exc)
            return self._form(
                request, target, username=user.name, status=503,
                error="the ledger did not record the sign-in; try again or check the gateway",
            )  # fmt: skip
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE, session_id, path="/", secure=_secure(request),
            httponly=True, samesite="strict",
        )  # fmt: skip
        response.delete_cookie(
            LOGIN_CSRF_COOKIE, path="/login", secure=_secure(request), httponly=True,
            samesite="strict",
        )  # fmt: skip
        _log.info("`%s` signed in from %s", user.name, address)
        return response

    def _known(self, username: str) -> bool:
        try:
            return username in self._users.current()
        except AccountError:
            return False

    async def _try_record(self, action: str, reviewer: str, detail: Mapping[str, Any]) -> None:
        try:
            await run_in_threadpool(self._record, [_event(action, reviewer, detail)])
        except Exception as exc:  # noqa: BLE001 - an audit outage must not block sign-out
            _log.error("the ledger did not record `%s` of `%s`: %s", action, reviewer, exc)

    def _form(
        self,
        request: Request,
        target: str,
        *,
        username: str = "",
        error: str = "",
        status: int = 200,
    ) -> HTMLResponse:
        # Reuse the browser's nonce when it has one, so a second tab (or a favicon request
        # that lands here) does not invalidate a form already on screen.
        nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if len(nonce) < 32 or len(nonce) > 64:
            nonce, token = self._csrf.issue()
        else:
            token = self._csrf.form_token(nonce)
        html = self._templates.get_template("login.html").render(
            csrf_token=token, next=target, username=username, error=error
        )
        response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
        response.set_cookie(
            LOGIN_CSRF_COOKIE, nonce, max_age=3600, path="/login", secure=_secure(request),
            httponly=True, samesite="strict",
        )  # fmt: skip
        return response


def _event(action: str, reviewer: str, detail: Mapping[str, Any]) -> ReviewEvent:
    return ReviewEvent(
        session_id=REVIEW_SESSION,
        action=action,
        reviewer=reviewer,
        target=f"user:{reviewer}",
        detail=dict(detail),
    )
