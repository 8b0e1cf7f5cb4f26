"""The deployments page: inventory for everyone, changes for admins only, each recorded."""

from __future__ import annotations

from watchkeeper.events import ReviewEvent

from .conftest import CSRF, Review


def _status(review: Review) -> str:
    deployment = review.registry.get("alpha")
    assert deployment is not None
    return deployment.status


def test_inventory_shows_owner_purpose_and_state(review: Review) -> None:
    """Each deployment row shows its owner, purpose and state."""
    page = review.client().get("/deployments").text
    row = page[page.index('data-testid="deployment-alpha"') :].split("</tr>")[0]
    assert "ops" in row
    assert "fix the build" in row
    assert '<td data-testid="deployment-state">active' in row


def test_reviewer_sees_no_admin_buttons(review: Review) -> None:
    """A reviewer gets the inventory without suspend, revoke or kill links."""
    page = review.client().get("/deployments").text
    for action in ("suspend", "revoke", "kill"):
        assert f'data-testid="{action}"' not in page


def test_admin_sees_actions_for_the_state(review: Review) -> None:
    """An admin of an active deployment sees suspend, revoke and kill, but not resume."""
    page = review.admin().get("/deployments").text
    for action in ("suspend", "revoke", "kill"):
        assert f'data-testid="{action}"' in page
    assert 'data-testid="resume"' not in page


def test_reviewer_post_is_forbidden(review: Review) -> None:
    """A reviewer's suspend POST with a valid token gets 403 and changes nothing."""
    response = review.client().post(
        "/deployments/alpha/suspend", data={"csrf_token": CSRF, "reason": "x"}
    )
    assert response.status_code == 403
    assert _status(review) == "active"
    assert review.events("review") == []


def test_reviewer_cannot_open_the_confirmation_step(review: Review) -> None:
    """The confirmation page is admin-only too."""
    assert review.client().get("/deployments/alpha/confirm/revoke").status_code == 403


def test_confirmation_step_explains_the_action(review: Review) -> None:
    """The confirmation page says what the action does and posts to it."""
    page = review.admin().get("/deployments/alpha/confirm/revoke").text
    assert "cannot be undone" in page
    assert 'action="/deployments/alpha/revoke"' in page


def test_admin_suspend_records_review_then_suspends(review: Review) -> None:
    """Suspending records a ReviewEvent by the admin and suspends the deployment."""
    response = review.admin().post(
        "/deployments/alpha/suspend", data={"csrf_token": CSRF, "reason": "odd traffic"}
    )
    assert response.status_code == 303
    assert _status(review) == "suspended"
    (event,) = review.events("review")
    assert isinstance(event, ReviewEvent)
    assert (event.action, event.reviewer, event.target, event.reason) == (
        "suspend",
        "ada",
        "deployment:alpha",
        "odd traffic",
    )


def test_resume_after_suspend(review: Review) -> None:
    """A suspended deployment can be resumed by an admin."""
    admin = review.admin()
    admin.post("/deployments/alpha/suspend", data={"csrf_token": CSRF})
    admin.post("/deployments/alpha/resume", data={"csrf_token": CSRF})
    assert _status(review) == "active"


def test_action_not_valid_for_state_is_refused(review: Review) -> None:
    """Resuming an active deployment gets 409 and records nothing."""
    response = review.admin().post("/deployments/alpha/resume", data={"csrf_token": CSRF})
    assert response.status_code == 409
    assert review.events("review") == []


def test_kill_contains_and_reports(review: Review) -> None:
    """Kill revokes the deployment through the kill switch and shows the report."""
    response = review.admin().post(
        "/deployments/alpha/kill", data={"csrf_token": CSRF, "reason": "rogue"}
    )
    assert response.status_code == 200
    assert 'data-testid="kill-report"' in response.text
    assert _status(review) == "revoked"
