"""The pages behind the real accounts middleware: sign in, CSRF and roles end to end."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from watchkeeper.accounts import (
    LoginLimiter,
    Passwords,
    Role,
    UserStore,
    WebSessions,
    install_auth,
)
from watchkeeper.gateway import TokenStore, create_app
from watchkeeper.review.web import install_review_ui

from .conftest import Review

PASSWORD = "a long enough password"


@pytest.fixture
def signed(review: Review) -> Iterator[dict[str, TestClient]]:
    """Clients signed in through `/login` as reviewer `rita` and admin `ada`."""
    users = UserStore(
        review.home / "users.json",
        passwords=Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
    )
    users.add("rita", Role.REVIEWER, PASSWORD)
    users.add("ada", Role.ADMIN, PASSWORD)
    app = create_app(review.pipeline, TokenStore(review.home / "tokens.json"))
    ui = install_review_ui(
        app,
        home=review.home,
        record=review.pipeline.record,
        ledger=review.pipeline.store,
        alerts=review.alerts,
        registry=review.registry,
        policy_path=review.home / "policy.yaml",
        approvals=review.approvals,
        grants=review.grants,
        status=review.status,
    )
    install_auth(app, users, WebSessions(), LoginLimiter(), review.pipeline.record)
    clients = {}
    for name in ("rita", "ada"):
        client = TestClient(app, follow_redirects=False)
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        response = client.post(
            "/login",
            data={"username": name, "password": PASSWORD, "csrf_token": token[1], "next": "/"},
        )
        assert response.status_code == 303
        clients[name] = client
    with ui:
        yield clients


def _csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found[1]


def test_signed_in_reviewer_sees_the_overview(signed: dict[str, TestClient]) -> None:
    """After signing in, the overview names the user and role."""
    page = signed["rita"].get("/").text
    assert 'data-testid="current-user">rita (reviewer)' in page


def test_reviewer_with_valid_token_gets_403_on_admin_action(
    review: Review, signed: dict[str, TestClient]
) -> None:
    """A reviewer's suspend POST with their own valid CSRF token is refused with 403."""
    client = signed["rita"]
    response = client.post(
        "/deployments/alpha/suspend", data={"csrf_token": _csrf(client, "/deployments")}
    )
    assert response.status_code == 403
    assert review.registry.get("alpha").status == "active"  # type: ignore[union-attr]


def test_admin_with_valid_token_suspends(review: Review, signed: dict[str, TestClient]) -> None:
    """An admin's suspend POST with the session's token is carried out."""
    client = signed["ada"]
    response = client.post(
        "/deployments/alpha/suspend", data={"csrf_token": _csrf(client, "/deployments")}
    )
    assert response.status_code == 303
    assert review.registry.get("alpha").status == "suspended"  # type: ignore[union-attr]


def test_post_without_token_is_refused_by_the_guard(
    review: Review, signed: dict[str, TestClient]
) -> None:
    """A signed-in admin's POST without the token is refused before it reaches the page."""
    response = signed["ada"].post("/deployments/alpha/suspend", data={"reason": "x"})
    assert response.status_code == 403
    assert review.registry.get("alpha").status == "active"  # type: ignore[union-attr]


def test_login_page_gets_security_headers(signed: dict[str, TestClient]) -> None:
    """The sign-in page is served with the UI's CSP too."""
    response = TestClient(signed["rita"].app).get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
