"""The approvals page: each waiting ask made readable, approved or denied with a reason."""

from __future__ import annotations

import pytest

from watchkeeper.events import Decision, ReviewEvent

from .conftest import CSRF, Review, reasoning

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _resolve(review: Review, approval_id: str, **form: str) -> int:
    response = review.client().post(
        f"/approvals/{approval_id}/resolve", data={"csrf_token": CSRF, **form}
    )
    return response.status_code


def test_approval_shows_parsed_command_and_asking_rule(review: Review) -> None:
    """A waiting call shows its argv words, working directory and the rule that asked."""
    pending = review.ask("git push origin main")
    page = review.client().get("/approvals").text
    assert f'data-testid="approval-{pending.id}"' in page
    assert '<code class="argv">push</code>' in page
    assert "<code>ask-git-push</code>" in page
    assert "/work/repo" in page


def test_approval_shows_the_agents_recent_reasoning(review: Review) -> None:
    """The session's latest reasoning is shown beside the call."""
    review.record(reasoning("tests pass, so I will push the branch now"))
    review.ask("git push origin main")
    assert "so I will push the branch now" in review.client().get("/approvals").text


def test_approve_resolves_and_records_the_reviewer(review: Review) -> None:
    """Approving resolves the ask as allow and records who approved and why."""
    pending = review.ask("git push origin main")
    assert _resolve(review, pending.id, decision="allow", reason="release day") == 303
    resolution = review.approvals.resolution(pending.id)
    assert resolution is not None
    assert resolution.decision is Decision.ALLOW
    events = [e for e in review.events("review") if isinstance(e, ReviewEvent)]
    assert [(e.action, e.reviewer, e.reason) for e in events] == [
        ("approve", "rita", "release day")
    ]


def test_deny_resolves_as_deny(review: Review) -> None:
    """Denying resolves the ask as deny."""
    pending = review.ask("git push --force origin main")
    assert _resolve(review, pending.id, decision="deny", reason="no force pushes") == 303
    resolution = review.approvals.resolution(pending.id)
    assert resolution is not None
    assert resolution.decision is Decision.DENY


def test_resolved_approval_leaves_the_page(review: Review) -> None:
    """After resolving, the page says what the agent was told and no longer lists the call."""
    pending = review.ask("git push origin main")
    _resolve(review, pending.id, decision="deny")
    page = review.client().get(f"/approvals?done={pending.id}").text
    assert f'data-testid="approval-{pending.id}"' not in page
    assert "the agent was told deny" in page


def test_resolving_twice_is_refused(review: Review) -> None:
    """A second resolution of the same approval gets 409."""
    pending = review.ask("git push origin main")
    _resolve(review, pending.id, decision="allow")
    assert _resolve(review, pending.id, decision="deny") == 409


def test_allow_similar_creates_a_scoped_grant(review: Review) -> None:
    """Approving with hours makes a grant for the command prefix in the call's directory."""
    pending = review.ask("git push origin main")
    assert _resolve(review, pending.id, decision="allow", reason="ok", grant_hours="8") == 303
    (grant,) = review.grants.list()
    assert grant.spec.command == ("git", "push")
    assert grant.spec.cwd_prefix == "/work/repo"
    assert grant.spec.deployment_id == "alpha"
    assert grant.spec.created_by == "rita"


def test_compound_command_is_not_offered_a_grant(review: Review) -> None:
    """A call mixing commands gets no "allow similar" offer."""
    review.ask("git push origin main; echo done")
    assert 'data-testid="grant-offer"' not in review.client().get("/approvals").text


def test_edit_call_shows_a_unified_diff(review: Review) -> None:
    """An Edit waiting for review shows old and new lines as a diff."""
    from watchkeeper.events import ToolCall

    call = ToolCall(
        deployment_id="alpha",
        session_id="s1",
        tool="Edit",
        args={"file_path": "/work/repo/app.py", "old_string": "x = 1\n", "new_string": "x = 2\n"},
        cwd="/work/repo",
    )
    verdict = review.pipeline.decide(call)
    review.approvals.open(call, verdict, timeout=300)
    page = review.client().get("/approvals").text
    assert '<span class="d-del">-x = 1</span>' in page
    assert '<span class="d-add">+x = 2</span>' in page


def test_fragment_preserves_cards_being_edited(review: Review) -> None:
    """The polled list marks each card hx-preserve so a typed reason survives a refresh."""
    pending = review.ask("git push origin main")
    fragment = review.client().get("/fragments/approvals").text
    assert f'id="approval-{pending.id}" hx-preserve="true"' in fragment


def test_approval_shows_hosts_and_written_paths(review: Review) -> None:
    """A download shows the host it reaches and the file it writes."""
    review.ask("curl -o out.tar https://example.com/x.tar")
    page = review.client().get("/approvals").text
    assert '<dd data-testid="hosts"><code>example.com</code>' in page
    assert "<code>/work/repo/out.tar</code>" in page


def test_call_reaching_a_host_is_not_offered_a_grant(review: Review) -> None:
    """A call that reaches the network gets no "allow similar" offer."""
    review.ask("curl -o out.tar https://example.com/x.tar")
    assert 'data-testid="grant-offer"' not in review.client().get("/approvals").text


def test_reviewer_cannot_post_a_grant_for_an_unofferable_call(review: Review) -> None:
    """Asking for a grant on a call that is not offered one is refused and leaves it waiting."""
    pending = review.ask("git push origin main; echo done")
    assert _resolve(review, pending.id, decision="allow", grant_hours="8") == 400
    assert review.approvals.get(pending.id) is not None
    assert review.grants.list() == []


def test_a_withdrawn_approval_leaves_the_page_and_cannot_be_decided(review: Review) -> None:
    """A call its client cancelled is gone from the list; deciding it says it was withdrawn."""
    call = review.call("Bash", {"command": "git push origin main"}).model_copy(
        update={"tool_use_id": "toolu-cancelled"}
    )
    pending = review.approvals.open(call, review.pipeline.decide(call), timeout=300)
    review.approvals.withdraw("alpha", "s1", "toolu-cancelled", reason="the client cancelled")
    assert f'data-testid="approval-{pending.id}"' not in review.client().get("/approvals").text
    response = review.client().post(
        f"/approvals/{pending.id}/resolve", data={"csrf_token": CSRF, "decision": "allow"}
    )
    assert response.status_code == 409
    assert "was withdrawn (the client cancelled); the call will never run" in response.text
