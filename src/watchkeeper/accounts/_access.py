"""What page handlers call: who is signed in, whether their role suffices, whether a form's
CSRF token is the session's. The `SessionGuard` middleware already enforces sign-in and CSRF
for every UI path; these are for handlers that want the user, and a second line of defence.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from watchkeeper.accounts._csrf import CSRF_FIELD, CSRF_HEADER, tokens_match
from watchkeeper.accounts._model import Role, WebUser

__all__ = [
    "AuthError",
    "CsrfError",
    "ForbiddenError",
    "SignInRequiredError",
    "auth_error_response",
    "check_csrf",
    "current_user",
    "login_url",
    "require_role",
    "session_csrf_token",
]


class AuthError(Exception):
    """A request the review UI refuses, with its HTTP `status` and a one-line `message`."""

    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignInRequiredError(AuthError):
    """Nobody is signed in: pages redirect to `/login`, other requests get 401."""

    status = 401


class ForbiddenError(AuthError):
    """The signed-in user's role does not allow this."""

    status = 403


class CsrfError(AuthError):
    """A state-changing request without the session's CSRF token."""

    status = 403


def login_url(next_path: str) -> str:
    """Return the sign-in URL that comes back to `next_path` afterwards."""
    return f"/login?next={quote(next_path, safe='/')}"


def current_user(request: Request) -> WebUser:
    """Return the signed-in user of `request` or raise `SignInRequiredError`."""
    user = getattr(request.state, "user", None)
    if not isinstance(user, WebUser):
        raise SignInRequiredError("sign in at `/login` to use the review pages")
    return user


def require_role(request: Request, role: Role) -> WebUser:
    """Return the signed-in user if their role is `role` or above (admin covers reviewer)."""
    user = current_user(request)
    if role is Role.ADMIN and user.role is not Role.ADMIN:
        raise ForbiddenError(
            f"user `{user.name}` is a {user.role}; only an admin may do this, ask one"
        )
    return user


def session_csrf_token(request: Request) -> str:
    """Return the signed-in session's CSRF token ('' when nobody is signed in)."""
    token = getattr(request.state, "csrf_token", None)
    return token if isinstance(token, str) else ""


def check_csrf(request: Request, form: Mapping[str, object]) -> None:
    """Raise `CsrfError` unless `form["csrf_token"]` or the `X-CSRF-Token` header matches."""
    given = form.get(CSRF_FIELD)
    submitted = given if isinstance(given, str) and given else request.headers.get(CSRF_HEADER)
    if not tokens_match(session_csrf_token(request), submitted or ""):
        raise CsrfError("the form's `csrf_token` is missing or wrong; reload the page")


async def auth_error_response(request: Request, exc: Exception) -> Response:
    """Render an `AuthError`: a sign-in redirect for page loads, else a one-line text."""
    if not isinstance(exc, AuthError):
        return PlainTextResponse("internal error; see the gateway log\n", status_code=500)
    if isinstance(exc, SignInRequiredError) and request.method in {"GET", "HEAD"}:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request") == "true":
            return PlainTextResponse(
                exc.message + "\n", status_code=401, headers={"HX-Redirect": login_url(target)}
            )
        return RedirectResponse(login_url(target), status_code=303)
    return PlainTextResponse(exc.message + "\n", status_code=exc.status)
