"""`/login` and `/logout`: sign-in, cookies, the sign-in CSRF token, rate limit, redirects."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from starlette.testclient import TestClient

from watchkeeper.accounts import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    LoginLimiter,
    UserStore,
    WebSessions,
    safe_next,
)
from watchkeeper.clock import utcnow

from .conftest import ALICE_PASSWORD, ROOT_PASSWORD, Recorder, build_app, login_token, sign_in


def test_login_page_has_the_form_fields(client: TestClient) -> None:
    """`GET /login` shows `username`, `password`, a hidden `csrf_token` and "Sign in"."""
    page = client.get("/login")
    assert page.status_code == 200
    for needle in ('name="username"', 'name="password"', 'type="hidden" name="csrf_token"'):
        assert needle in page.text
    assert "Sign in</button>" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_good_password_signs_in_and_redirects(client: TestClient, recorder: Recorder) -> None:
    """The right password sets the session cookie, redirects to `/` and records `login`."""
    response = sign_in(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.cookies.get(SESSION_COOKIE)
    assert client.get("/").json()["name"] == "alice"
    [login] = recorder.reviews("login")
    assert (login.reviewer, login.target, login.session_id) == ("alice", "user:alice", "review")


def test_session_cookie_is_httponly_strict(client: TestClient) -> None:
    """The session cookie is HttpOnly, SameSite=Strict, Path=/ and not Secure over http."""
    cookies = sign_in(client).headers.get_list("set-cookie")
    [session_part] = [p for p in cookies if p.startswith(SESSION_COOKIE)]
    attributes = {a.strip().lower() for a in session_part.split(";")}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    assert "secure" not in attributes


def test_session_cookie_is_secure_over_https(
    users: UserStore, sessions: WebSessions, limiter: LoginLimiter, recorder: Recorder
) -> None:
    """Served over https, the session cookie is also Secure."""
    app = build_app(users, sessions, limiter, recorder)
    with TestClient(app, base_url="https://review.example", follow_redirects=False) as client:
        response = sign_in(client)
    [session_part] = [
        p for p in response.headers.get_list("set-cookie") if p.startswith(SESSION_COOKIE)
    ]
    assert "secure" in {a.strip().lower() for a in session_part.split(";")}


def test_wrong_password_is_refused_and_recorded(client: TestClient, recorder: Recorder) -> None:
    """A wrong password shows a generic error (401), sets no session and records the failure."""
    response = sign_in(client, password="wrong password here")
    assert response.status_code == 401
    assert '<p class="error"' in response.text
    assert "wrong user name or password" in response.text
    assert not client.cookies.get(SESSION_COOKIE)
    [failed] = recorder.reviews("login_failed")
    assert failed.reviewer == "alice"
    assert failed.detail["reason"] == "bad_credentials"
    assert "wrong password here" not in failed.model_dump_json()


def test_unknown_user_gets_the_same_answer(client: TestClient) -> None:
    """An unknown name gets the same message as a wrong password."""
    response = sign_in(client, username="mallory")
    assert response.status_code == 401
    assert "wrong user name or password" in response.text


def test_login_without_form_token_is_refused(client: TestClient) -> None:
    """A sign-in post without the form's CSRF token is refused with 403."""
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": ALICE_PASSWORD})
    assert response.status_code == 403
    assert not client.cookies.get(SESSION_COOKIE)


def test_login_without_the_cookie_is_refused(client: TestClient) -> None:
    """A token without its cookie (a cross-site post) is refused with 403."""
    token = login_token(client)
    client.cookies.delete(LOGIN_CSRF_COOKIE)
    data = {"username": "alice", "password": ALICE_PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code == 403


def test_sixth_attempt_is_rate_limited(client: TestClient, recorder: Recorder) -> None:
    """After five failures the next attempt, even with the right password, gets 429."""
    for _ in range(5):
        assert sign_in(client, password="wrong password here").status_code == 401
    response = sign_in(client)
    assert response.status_code == 429
    assert "too many failed sign-ins for user `alice`" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert not client.cookies.get(SESSION_COOKIE)
    assert "locked" in recorder.reviews("login_failed")[-1].detail


def test_lockout_expires(client: TestClient) -> None:
    """Fifteen minutes after the lockout the right password works again."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        for _ in range(5):
            sign_in(client, password="wrong password here")
        assert sign_in(client).status_code == 429
        traveller.shift(timedelta(minutes=15, seconds=1))
        assert sign_in(client).status_code == 303


def test_success_resets_the_failure_count(client: TestClient) -> None:
    """Four failures, a success, then four more failures do not lock the user."""
    for _ in range(4):
        sign_in(client, password="wrong password here")
    assert sign_in(client).status_code == 303
    client.cookies.clear()
    for _ in range(4):
        assert sign_in(client, password="wrong password here").status_code == 401
    assert sign_in(client).status_code == 303


def test_redirects_to_a_local_next(client: TestClient) -> None:
    """A local `next` path is where sign-in leads."""
    response = sign_in(client, next="/approvals?state=pending")
    assert response.headers["location"] == "/approvals?state=pending"


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
     "/ok\r\nSet-Cookie: x=1", "", "/login?next=/x"],
)  # fmt: skip
def test_open_redirects_are_refused(target: str) -> None:
    """Anything but a plain local path becomes `/`."""
    assert safe_next(target) == "/"


def test_open_redirect_is_refused_on_login(client: TestClient) -> None:
    """`next=//evil.example` sends the signed-in user to `/`, not off-site."""
    response = sign_in(client, next="//evil.example/phish")
    assert response.headers["location"] == "/"


def test_logout_ends_the_session(client: TestClient, recorder: Recorder) -> None:
    """`POST /logout` with the token ends the session; the old cookie no longer works."""
    sign_in(client)
    old = client.cookies.get(SESSION_COOKIE)
    token = client.get("/").json()["csrf"]
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    client.cookies.set(SESSION_COOKIE, old or "")
    assert client.get("/").status_code == 303
    assert [e.reviewer for e in recorder.reviews("logout")] == ["alice"]


def test_signing_in_again_replaces_the_session(client: TestClient, sessions: WebSessions) -> None:
    """A new sign-in from a browser that has a session ends that session."""
    sign_in(client)
    first = client.cookies[SESSION_COOKIE]
    with TestClient(client.app, follow_redirects=False) as browser:
        token = login_token(browser)
        nonce = browser.cookies[LOGIN_CSRF_COOKIE]
        browser.cookies.clear()
        response = browser.post(
            "/login",
            data={"username": "root", "password": ROOT_PASSWORD, "csrf_token": token},
            headers={"Cookie": f"{SESSION_COOKIE}={first}; {LOGIN_CSRF_COOKIE}={nonce}"},
        )
    assert response.status_code == 303
    assert sessions.get(first) is None
    assert sessions.count() == 1


def test_signed_in_visit_to_login_moves_on(client: TestClient) -> None:
    """`GET /login` while signed in goes straight to `next`."""
    sign_in(client)
    response = client.get("/login?next=/approvals")
    assert response.status_code == 303
    assert response.headers["location"] == "/approvals"


def test_unrecorded_login_is_refused(
    users: UserStore, sessions: WebSessions, limiter: LoginLimiter
) -> None:
    """When the ledger cannot record the sign-in, no session starts (503)."""

    def broken(_events: object) -> object:
        raise OSError("disk full")

    app = build_app(users, sessions, limiter, broken)  # type: ignore[arg-type]
    with TestClient(app, follow_redirects=False) as client:
        response = sign_in(client)
    assert response.status_code == 503
    assert sessions.count() == 0


def test_a_second_login_page_keeps_the_first_form_valid(client: TestClient) -> None:
    """Opening /login again (another tab, a favicon redirect) does not expire a shown form."""
    first = login_token(client)
    client.get("/login")
    data = {"username": "alice", "password": ALICE_PASSWORD, "csrf_token": first}
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
