"""`SessionGuard`: the middleware that keeps the review UI to signed-in people.

For every UI path (everything but the agent API `/v1/…`, `/metrics`, the API docs,
`/static/…` and `/login`) it requires a live session whose user is still enabled, sets
`request.state.user` (a `WebUser`) and `request.state.csrf_token`, and refuses a
POST/PUT/PATCH/DELETE whose form field `csrf_token` or header `X-CSRF-Token` is not the
session's. A request carrying an `Authorization: Bearer` header and no session is refused:
agent tokens never open the UI. The agent API is untouched and keeps requiring bearer
tokens, so a session cookie alone gets nowhere there.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from watchkeeper.accounts._access import login_url
from watchkeeper.accounts._csrf import CSRF_FIELD, CSRF_HEADER, tokens_match
from watchkeeper.accounts._errors import AccountError
from watchkeeper.accounts._forms import (
    BodyTooLargeError,
    FormError,
    parse_form,
    read_body,
    replaying,
)
from watchkeeper.accounts._model import User
from watchkeeper.accounts._sessions import SESSION_COOKIE, WebSession, WebSessions
from watchkeeper.accounts._store import UserStore

__all__ = ["DEFAULT_MAX_FORM", "SessionGuard", "is_ui_path", "signed_in"]

#: Largest form body the guard reads to find its CSRF token.
DEFAULT_MAX_FORM = 1 << 20

_OPEN_PREFIXES = ("/v1/", "/static/", "/docs/")
_OPEN_PATHS = frozenset({"/v1", "/metrics", "/openapi.json", "/docs", "/redoc", "/login"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_log = logging.getLogger(__name__)


def is_ui_path(path: str) -> bool:
    """Whether `path` belongs to the review UI (and so needs a signed-in session)."""
    return path not in _OPEN_PATHS and not path.startswith(_OPEN_PREFIXES)


def signed_in(
    request: Request, users: UserStore, sessions: WebSessions
) -> tuple[WebSession, User] | None:
    """Return the live session of `request` and its user, or None.

    A session whose user was disabled or removed ends here, with every other session of
    that user; a role change takes effect at once.
    """
    session_id = request.cookies.get(SESSION_COOKIE, "")
    session = sessions.get(session_id) if session_id else None
    if session is None:
        return None
    user = users.current().get(session.user)
    if user is None or user.disabled:
        sessions.drop_user(session.user)
        return None
    return session, user


def _has_bearer(request: Request) -> bool:
    scheme, _, _ = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer"


class SessionGuard:
    """ASGI middleware enforcing sign-in and CSRF on the review UI (see the module doc)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        users: UserStore,
        sessions: WebSessions,
        max_form: int = DEFAULT_MAX_FORM,
    ) -> None:
        self.app = app
        self._users = users
        self._sessions = sessions
        self._max_form = max_form

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_ui_path(str(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            found = signed_in(request, self._users, self._sessions)
        except AccountError as exc:
            _log.error("cannot check a review session: %s", exc)
            response: Response = _text(503, "sign-in is unavailable: the accounts file "
                                       "cannot be read; see the gateway log")  # fmt: skip
            await response(scope, receive, send)
            return
        if found is None:
            await self._refuse_anonymous(request)(scope, receive, send)
            return
        session, user = found
        state = scope.setdefault("state", {})
        state["user"] = user.web()
        state["csrf_token"] = session.csrf_token
        if scope["method"] not in _SAFE_METHODS:
            refusal, receive = await self._check_csrf(request, receive, session)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _refuse_anonymous(self, request: Request) -> Response:
        if _has_bearer(request):
            return _text(
                401, "agent tokens cannot use the review pages; a person signs in at `/login`"
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response: Response
        if request.url.path == "/logout" and request.headers.get("hx-request") != "true":
            response = RedirectResponse("/login", status_code=303)
        elif request.method in {"GET", "HEAD"} and request.headers.get("hx-request") != "true":
            response = RedirectResponse(login_url(target), status_code=303)
        else:
            response = _text(401, "sign in at `/login` first; this request has no live session")
            response.headers["HX-Redirect"] = login_url(target)
        if SESSION_COOKIE in request.cookies:
            response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    async def _check_csrf(
        self, request: Request, receive: Receive, session: WebSession
    ) -> tuple[Response | None, Receive]:
        header = request.headers.get(CSRF_HEADER, "")
        if header:
            if tokens_match(session.csrf_token, header):
                return None, receive
            return _csrf_refusal(), receive
        content_type = request.headers.get("content-type", "").lower()
        if not content_type.startswith(_FORM_TYPES):
            return _csrf_refusal(), receive
        try:
            body = await read_body(request.scope, receive, self._max_form)
            form = await parse_form(request.scope, body)
        except BodyTooLargeError:
            return _text(413, f"the form is over {self._max_form} bytes; send less"), receive
        except FormError as exc:
            return _text(400, f"{exc}; send a valid form"), receive
        if not tokens_match(session.csrf_token, form.get(CSRF_FIELD, "")):
            return _csrf_refusal(), replaying(body, receive)
        return None, replaying(body, receive)


def _csrf_refusal() -> Response:
    return _text(403, "the form's `csrf_token` is missing or wrong; reload the page and retry")


def _text(status: int, message: str) -> Response:
    return PlainTextResponse(
        message + "\n", status_code=status, headers={"Cache-Control": "no-store"}
    )
