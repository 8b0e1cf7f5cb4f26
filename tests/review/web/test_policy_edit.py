"""Admins change the policy from the UI: validated first, audited, never a silent overwrite."""

from __future__ import annotations

import hashlib
import os

import pytest

from watchkeeper.events import ReviewEvent

from .conftest import CSRF, Review


def _form(
    review: Review, text: str, *, reason: str = "tighten rm", base: str | None = None
) -> dict[str, str]:
    current = (review.home / "policy.yaml").read_text()
    return {
        "csrf_token": CSRF,
        "text": text,
        "reason": reason,
        "base_sha": base or hashlib.sha256(current.encode()).hexdigest(),
    }


def test_admin_saves_a_valid_policy_and_the_change_is_audited(review: Review) -> None:
    path = review.home / "policy.yaml"
    before = path.read_text()
    after = before.replace("decision: deny", "decision: ask", 1)
    response = review.admin().post("/policy/edit", data=_form(review, after))
    assert response.status_code == 303
    assert path.read_text() == after
    (change,) = [e for e in review.events("review") if getattr(e, "action", "") == "policy_change"]
    assert isinstance(change, ReviewEvent)
    assert (change.reviewer, change.reason) == ("ada", "tighten rm")
    assert change.detail["after_sha256"] == hashlib.sha256(after.encode()).hexdigest()
    assert "-    decision: deny" in change.detail["diff"]
    assert "+    decision: ask" in change.detail["diff"]


def test_a_policy_that_does_not_load_is_shown_back_and_not_saved(review: Review) -> None:
    path = review.home / "policy.yaml"
    before = path.read_text()
    response = review.admin().post("/policy/edit", data=_form(review, "version: 1\nrules: []\n"))
    assert response.status_code == 400
    assert 'data-testid="policy-edit-error"' in response.text
    assert "default" in response.text
    assert path.read_text() == before
    assert not [e for e in review.events("review") if getattr(e, "action", "") == "policy_change"]


def test_an_edit_of_a_stale_version_is_refused(review: Review) -> None:
    path = review.home / "policy.yaml"
    stale = hashlib.sha256(b"an older policy").hexdigest()
    before = path.read_text()
    response = review.admin().post("/policy/edit", data=_form(review, before, base=stale))
    assert response.status_code == 409
    assert path.read_text() == before


def test_a_change_needs_a_reason(review: Review) -> None:
    before = (review.home / "policy.yaml").read_text()
    response = review.admin().post("/policy/edit", data=_form(review, before, reason=" "))
    assert response.status_code == 400


def test_reviewers_cannot_open_or_post_the_editor(review: Review) -> None:
    path = review.home / "policy.yaml"
    before = path.read_text()
    client = review.client()
    assert 'data-testid="edit-policy"' not in client.get("/policy").text
    assert client.get("/policy/edit").status_code == 403
    assert client.post("/policy/edit", data=_form(review, "version: 1\n")).status_code == 403
    assert path.read_text() == before


def test_a_post_without_the_csrf_token_is_rejected(review: Review) -> None:
    path = review.home / "policy.yaml"
    before = path.read_text()
    form = _form(review, before.replace("decision: deny", "decision: allow"))
    del form["csrf_token"]
    assert review.admin().post("/policy/edit", data=form).status_code == 403
    assert path.read_text() == before


def test_the_editor_escapes_the_policy_text(review: Review) -> None:
    path = review.home / "policy.yaml"
    path.write_text(path.read_text() + "# </textarea><script>alert(1)</script>\n")
    page = review.admin().get("/policy/edit").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;/textarea&gt;" in page


def test_a_change_that_cannot_be_written_is_recorded_as_failed(
    review: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = review.home / "policy.yaml"
    before = path.read_text()

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    form = _form(review, before.replace("decision: deny", "decision: ask", 1))
    response = review.admin().post("/policy/edit", data=form)
    assert response.status_code == 500
    assert path.read_text() == before
    actions = [getattr(e, "action", "") for e in review.events("review")]
    assert actions[-2:] == ["policy_change", "policy_change_failed"]
    assert not list(review.home.glob(".policy.yaml.*"))
