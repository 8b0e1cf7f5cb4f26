"""Who is asking: the signed-in reviewer, their role, and the CSRF check, enforced server-side.

The accounts middleware (`watchkeeper.accounts`) signs people in and puts the user in
`request.state.user` and the session's CSRF token in `request.state.csrf_token`. The pages
read only those two: without a user nothing is shown, and every state-changing form is
checked against the token here as well (defence in depth when the middleware is missing).
"""

from __future__ import annotations

import hmac
from typing import Protocol, cast
from urllib.parse import quote

from starlette.requests import Request

__all__ = [
    "ADMIN",
    "NotSignedInError",
    "ReviewHttpError",
    "Reviewer",
    "check_csrf",
    "is_admin",
    "require_admin",
    "require_reviewer",
]

#: The role value that may change deployments, grants and policy.
ADMIN = "admin"
_ROLES = frozenset({"reviewer", "admin"})


class Reviewer(Protocol):
    """What the pages need of a signed-in user."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


class ReviewHttpError(Exception):
    """A request the UI refuses; rendered as an error page with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class NotSignedInError(ReviewHttpError):
    """No signed-in user; pages redirect to `/login`, other requests get 401."""

    def __init__(self, next_path: str) -> None:
        super().__init__(401, "sign in at `/login` to use the review pages")
        self.login_url = f"/login?next={quote(next_path, safe='/')}"


def require_reviewer(request: Request) -> Reviewer:
    """Return the signed-in user (reviewer or admin) or raise `NotSignedInError`."""
    user = getattr(request.state, "user", None)
    if user is None or str(getattr(user, "role", "")) not in _ROLES:
        raise NotSignedInError(request.url.path)
    return cast("Reviewer", user)


def is_admin(user: Reviewer) -> bool:
    """Whether `user` holds the admin role."""
    return str(user.role) == ADMIN


def require_admin(request: Request) -> Reviewer:
    """Return the signed-in admin; raise 403 for a reviewer, `NotSignedInError` for nobody."""
    user = require_reviewer(request)
    if not is_admin(user):
        raise ReviewHttpError(
            403, f"user `{user.name}` is a reviewer; only an admin may do this, ask one"
        )
    return user


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token for forms ('' when there is none)."""
    token = getattr(request.state, "csrf_token", None)
    return token if isinstance(token, str) else ""


def check_csrf(request: Request, submitted: str) -> None:
    """Raise 403 unless `submitted` (form field or `X-CSRF-Token`) matches the session's token."""
    expected = csrf_token(request)
    given = submitted or request.headers.get("x-csrf-token", "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        raise ReviewHttpError(403, "the form's `csrf_token` is missing or wrong; reload the page")
