"""Headers, sign-in, CSRF and roles: enforced on the server for every page and action."""

from __future__ import annotations

from starlette.testclient import TestClient

from .conftest import CSRF, Review


def test_pages_send_security_headers(review: Review) -> None:
    """Every page carries a CSP without inline script, and anti-framing headers."""
    response = review.client().get("/alerts")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_agent_api_keeps_its_own_headers(review: Review) -> None:
    """The agent API is not given the UI's CSP."""
    response = review.client().get("/v1/health")
    assert "content-security-policy" not in response.headers


def test_pages_have_no_inline_script(review: Review) -> None:
    """The layout loads scripts only from /static and has no inline handlers."""
    page = review.client().get("/").text
    assert '<script src="/static/htmx.min.js"' in page
    assert "<script>" not in page
    assert " onclick=" not in page


def test_static_htmx_is_served(review: Review) -> None:
    """htmx and its licence are served from /static."""
    client = review.client()
    assert client.get("/static/htmx.min.js").status_code == 200
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE").text


def test_page_without_user_redirects_to_login(review: Review) -> None:
    """A GET without a signed-in user is sent to /login with the page to come back to."""
    response = TestClient(review.app, follow_redirects=False).get("/alerts")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/alerts"


def test_post_without_user_is_refused(review: Review) -> None:
    """A POST without a signed-in user gets 401 and changes nothing."""
    response = TestClient(review.app).post("/deployments/alpha/suspend", data={"csrf_token": CSRF})
    assert response.status_code == 401
    assert review.registry.get("alpha").status == "active"  # type: ignore[union-attr]


def test_post_without_csrf_token_is_refused(review: Review) -> None:
    """An admin's POST without the CSRF token gets 403 and changes nothing."""
    response = review.admin().post("/deployments/alpha/suspend", data={"reason": "x"})
    assert response.status_code == 403
    assert review.registry.get("alpha").status == "active"  # type: ignore[union-attr]


def test_csrf_token_in_header_is_accepted(review: Review) -> None:
    """htmx's X-CSRF-Token header counts as the token."""
    response = review.admin().post(
        "/deployments/alpha/suspend", headers={"X-CSRF-Token": CSRF}, data={"reason": "x"}
    )
    assert response.status_code == 303
