"""The policy page: active rules with how often each fired, and grants with revoke."""

from __future__ import annotations

from datetime import timedelta

from watchkeeper.review import GrantSpec

from .conftest import CSRF, Review


def _grant(review: Review) -> str:
    spec = GrantSpec(
        deployment_id="alpha",
        tool="Bash",
        command=("pytest",),
        cwd_prefix="/work/repo",
        duration=timedelta(hours=1),
        created_by="ada",
    )
    return review.grants.create(spec).id


def test_policy_lists_rules_with_fire_counts(review: Review) -> None:
    """Each rule is listed with how many verdicts it decided in the last day."""
    review.call("Bash", {"command": "rm -rf build"})
    review.call("Bash", {"command": "rm -rf dist"})
    review.status.refresh()
    page = review.client().get("/policy").text
    row = page[page.index('data-testid="rule-deny-rm"') :].split("</tr>")[0]
    assert '<td data-testid="rule-fired">2</td>' in row


def test_fire_counts_are_incremental(review: Review) -> None:
    """A later refresh adds only the new verdicts to the counts."""
    review.call("Bash", {"command": "rm a"})
    review.status.refresh()
    review.call("Bash", {"command": "rm b"})
    assert review.status.refresh().rule_fires["deny-rm"] == 2


def test_policy_shows_the_default(review: Review) -> None:
    """The default decision is shown."""
    assert "<strong>deny</strong>" in review.client().get("/policy").text


def test_grants_are_listed(review: Review) -> None:
    """An active grant is listed with what it allows."""
    grant_id = _grant(review)
    page = review.client().get("/policy").text
    assert f'data-testid="grant-{grant_id}"' in page
    assert "allow `pytest` in /work/repo" in page


def test_reviewer_cannot_revoke_a_grant(review: Review) -> None:
    """A reviewer sees no revoke button and the POST gets 403."""
    grant_id = _grant(review)
    client = review.client()
    assert 'data-testid="revoke-grant"' not in client.get("/policy").text
    response = client.post(f"/grants/{grant_id}/revoke", data={"csrf_token": CSRF})
    assert response.status_code == 403
    assert [g.id for g in review.grants.list()] == [grant_id]


def test_admin_revokes_a_grant(review: Review) -> None:
    """An admin's revoke ends the grant and records who did it."""
    grant_id = _grant(review)
    response = review.admin().post(
        f"/grants/{grant_id}/revoke", data={"csrf_token": CSRF, "reason": "too broad"}
    )
    assert response.status_code == 303
    assert review.grants.list() == []
    revokes = [e for e in review.events("review") if getattr(e, "action", "") == "revoke"]
    assert [getattr(e, "reviewer", "") for e in revokes] == ["ada"]
