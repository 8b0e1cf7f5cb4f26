"""The handler helpers: `current_user`, `require_role`, `check_csrf` and their responses."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from watchkeeper.accounts import (
    CsrfError,
    ForbiddenError,
    Role,
    SignInRequiredError,
    WebUser,
    auth_error_response,
    check_csrf,
    current_user,
    require_role,
)


def _request(method: str = "POST", *, user: WebUser | None = None, token: str = "") -> Request:
    state: dict[str, object] = {"csrf_token": token} if token else {}
    if user is not None:
        state["user"] = user
    headers = [(b"x-csrf-token", b"from-header")]
    scope = {"type": "http", "method": method, "path": "/alerts", "query_string": b"s=open",
             "headers": headers, "state": state}  # fmt: skip
    return Request(scope)


def test_check_csrf_accepts_only_the_session_token() -> None:
    """The form's token must equal the session's; a missing or other token raises."""
    request = _request(token="abc")
    check_csrf(request, {"csrf_token": "abc"})
    with pytest.raises(CsrfError, match="`csrf_token` is missing or wrong"):
        check_csrf(request, {"csrf_token": "abd"})
    with pytest.raises(CsrfError):
        check_csrf(_request(), {"csrf_token": ""})


def test_check_csrf_falls_back_to_the_header() -> None:
    """Without a form field, the `X-CSRF-Token` header is checked."""
    check_csrf(_request(token="from-header"), {})


def test_current_user_requires_a_signed_in_user() -> None:
    """No user in `request.state` raises `SignInRequiredError`."""
    with pytest.raises(SignInRequiredError):
        current_user(_request())


def test_require_role_admin_refuses_reviewers() -> None:
    """A reviewer fails an admin check; an admin passes a reviewer check."""
    reviewer = WebUser(name="alice", role=Role.REVIEWER)
    admin = WebUser(name="root", role=Role.ADMIN)
    with pytest.raises(ForbiddenError, match="user `alice` is a reviewer"):
        require_role(_request(user=reviewer), Role.ADMIN)
    assert require_role(_request(user=admin), Role.REVIEWER) == admin


async def test_sign_in_error_redirects_page_loads() -> None:
    """A page load without a user is sent to `/login` with the page as `next`."""
    response = await auth_error_response(_request("GET"), SignInRequiredError("x"))
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/alerts%3Fs%3Dopen"


async def test_forbidden_error_is_403_text() -> None:
    """A role refusal is a 403 with its one-line message."""
    response = await auth_error_response(_request(), ForbiddenError("nope"))
    assert response.status_code == 403
    assert bytes(response.body) == b"nope\n"
