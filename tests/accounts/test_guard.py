"""`SessionGuard`: UI paths need a live session, state changes need the CSRF token, roles
are enforced server-side, and agent tokens and UI sessions stay on their own side."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from starlette.testclient import TestClient

from watchkeeper.accounts import SESSION_COOKIE, UserStore, is_ui_path
from watchkeeper.clock import utcnow

from .conftest import ROOT_PASSWORD, fast_passwords, sign_in

AGENT_TOKEN = "wk_" + "a" * 40


def _csrf(client: TestClient) -> str:
    return str(client.get("/").json()["csrf"])


def test_page_without_session_redirects_to_login(client: TestClient) -> None:
    """An anonymous page load is sent to `/login` with the page as `next`."""
    response = client.get("/?tab=open")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/%3Ftab%3Dopen"


def test_post_without_session_is_401(client: TestClient) -> None:
    """An anonymous state change gets 401, not a redirect."""
    response = client.post("/approve", data={"id": "1"})
    assert response.status_code == 401
    assert "sign in at `/login`" in response.text


def test_logout_without_session_goes_to_login(client: TestClient) -> None:
    """Signing out of an already ended session just shows the sign-in page."""
    response = client.post("/logout", data={"csrf_token": "stale"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_oversized_form_is_413(client: TestClient) -> None:
    """A form body over the guard's limit is refused before it is parsed."""
    sign_in(client)
    response = client.post("/approve", data={"id": "x" * (1 << 20)})
    assert response.status_code == 413


def test_htmx_request_without_session_gets_hx_redirect(client: TestClient) -> None:
    """An anonymous htmx request gets 401 with `HX-Redirect` to the sign-in page."""
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=/"


def test_post_with_the_form_token_goes_through(client: TestClient) -> None:
    """A form carrying the session's `csrf_token` reaches the handler, body intact."""
    sign_in(client)
    response = client.post("/approve", data={"id": "42", "csrf_token": _csrf(client)})
    assert response.status_code == 200
    assert response.text == "approved 42 by alice"


def test_post_with_the_header_token_goes_through(client: TestClient) -> None:
    """htmx's `X-CSRF-Token` header is accepted instead of the form field."""
    sign_in(client)
    response = client.post("/approve", data={"id": "7"}, headers={"X-CSRF-Token": _csrf(client)})
    assert response.text == "approved 7 by alice"


def test_post_without_token_is_403(client: TestClient) -> None:
    """A signed-in form post without `csrf_token` is refused with 403."""
    sign_in(client)
    response = client.post("/approve", data={"id": "42"})
    assert response.status_code == 403
    assert "`csrf_token` is missing or wrong" in response.text


def test_post_with_wrong_token_is_403(client: TestClient) -> None:
    """A wrong token, in the form or the header, is refused with 403."""
    sign_in(client)
    assert client.post("/approve", data={"id": "1", "csrf_token": "x"}).status_code == 403
    wrong = client.post("/approve", data={"id": "1"}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403


def test_token_of_another_session_is_403(client: TestClient, users: UserStore) -> None:
    """A token is bound to its session: another session's token is refused."""
    sign_in(client, username="root", password=ROOT_PASSWORD)
    foreign = _csrf(client)
    client.cookies.clear()
    sign_in(client)
    assert client.post("/approve", data={"csrf_token": foreign}).status_code == 403


def test_json_post_without_header_is_403(client: TestClient) -> None:
    """A non-form body needs the header; without it the request is refused."""
    sign_in(client)
    assert client.post("/approve", json={"csrf_token": _csrf(client)}).status_code == 403


def test_reviewer_cannot_do_admin_actions(client: TestClient) -> None:
    """A reviewer posting to an admin action gets 403 naming their role."""
    sign_in(client)
    response = client.post("/policy", data={"csrf_token": _csrf(client)})
    assert response.status_code == 403
    assert "user `alice` is a reviewer; only an admin may do this" in response.text


def test_admin_can_do_admin_actions(client: TestClient) -> None:
    """An admin passes the same check."""
    sign_in(client, username="root", password=ROOT_PASSWORD)
    response = client.post("/policy", data={"csrf_token": _csrf(client)})
    assert response.text == "policy changed by root"


def test_disabling_a_user_ends_their_session(client: TestClient, users: UserStore) -> None:
    """After `user disable` (another process), the user's next request has no session."""
    sign_in(client)
    assert client.get("/").status_code == 200
    UserStore(users.path, passwords=fast_passwords()).disable("alice")
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_idle_session_is_signed_out(client: TestClient) -> None:
    """Thirty minutes without a request end the session."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        sign_in(client)
        traveller.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=30, seconds=1))
        assert client.get("/").status_code == 303


def test_bearer_token_cannot_reach_the_ui(client: TestClient) -> None:
    """An agent's bearer token on a UI path gets 401, never a page."""
    response = client.get("/", headers={"Authorization": f"Bearer {AGENT_TOKEN}"})
    assert response.status_code == 401
    assert "agent tokens cannot use the review pages" in response.text


def test_bearer_token_cannot_sign_in(client: TestClient) -> None:
    """A bearer token is not a password: posting it to `/login` signs nobody in."""
    response = client.post(
        "/login",
        data={"username": "alice", "password": AGENT_TOKEN},
        headers={"Authorization": f"Bearer {AGENT_TOKEN}"},
    )
    assert response.status_code in {401, 403}
    assert not client.cookies.get(SESSION_COOKIE)


def test_session_cookie_cannot_reach_the_agent_api(client: TestClient) -> None:
    """`/v1/…` ignores the session: a signed-in cookie alone gets the API's 401."""
    sign_in(client)
    response = client.post("/v1/decide", headers={"X-CSRF-Token": _csrf(client)}, json={})
    assert response.status_code == 401


def test_ui_paths() -> None:
    """The agent API, metrics, API docs, static files and `/login` are outside the UI."""
    for path in ("/v1/decide", "/v1", "/metrics", "/openapi.json", "/docs", "/static/x.css",
                 "/login"):  # fmt: skip
        assert not is_ui_path(path), path
    for path in ("/", "/approvals", "/logout", "/v1x", "/loginx", "/metrics/x"):
        assert is_ui_path(path), path
