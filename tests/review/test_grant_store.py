"""Grants in `<home>/grants.json`: made, listed, revoked, recorded, and used by the pipeline."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from watchkeeper.clock import utcnow
from watchkeeper.events import Decision, ReviewEvent
from watchkeeper.gateway import Pipeline
from watchkeeper.review import GRANTS_FILE, GrantError, GrantNotFoundError, GrantSpec, GrantStore

from .conftest import bash

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _spec(**fields: object) -> GrantSpec:
    values: dict[str, object] = {
        "deployment_id": "alpha",
        "tool": "Bash",
        "command": ("pytest",),
        "duration": timedelta(hours=8),
        "reason": "tests are fine",
        "created_by": "rita",
    }
    values.update(fields)
    return GrantSpec.model_validate(values)


def _reviews(pipeline: Pipeline) -> list[ReviewEvent]:
    return [e for _s, e in pipeline.store.events() if isinstance(e, ReviewEvent)]


def test_a_grant_turns_an_ask_into_allow(pipeline: Pipeline, recording_grants: GrantStore) -> None:
    """An asked `pytest` is allowed once granted, naming the grant and the asking rule."""
    assert pipeline.decide(bash("pytest -x")).decision is Decision.ASK
    grant = recording_grants.create(_spec())
    verdict = pipeline.decide(bash("pytest -x"))
    assert verdict.decision is Decision.ALLOW
    assert verdict.rule_ids == (f"grant:{grant.id}", "ask-pytest")
    assert grant.id in verdict.explanation


def test_a_grant_never_lifts_a_deny(pipeline: Pipeline, recording_grants: GrantStore) -> None:
    """A grant for `curl` leaves the deny of `curl` standing."""
    recording_grants.create(_spec(command=("curl",)))
    assert pipeline.decide(bash("curl example.org")).decision is Decision.DENY


def test_a_compound_line_still_asks(pipeline: Pipeline, recording_grants: GrantStore) -> None:
    """`pytest -x; echo done` still asks: the grant does not cover every command in it."""
    recording_grants.create(_spec())
    assert pipeline.decide(bash("pytest -x; echo done")).decision is Decision.ASK


def test_a_grant_for_another_deployment_does_not_apply(
    pipeline: Pipeline, recording_grants: GrantStore
) -> None:
    """A grant for `beta` leaves `alpha`'s ask an ask."""
    recording_grants.create(_spec(deployment_id="beta"))
    assert pipeline.decide(bash("pytest -x")).decision is Decision.ASK


def test_an_expired_grant_no_longer_applies(
    pipeline: Pipeline, recording_grants: GrantStore
) -> None:
    """Eight hours and a second after it was made, an 8 h grant no longer allows."""
    recording_grants.create(_spec())
    with time_machine.travel(utcnow() + timedelta(hours=8, seconds=1)):
        assert pipeline.decide(bash("pytest -x")).decision is Decision.ASK
        assert recording_grants.list() == []
        assert len(recording_grants.list(include_ended=True)) == 1


def test_making_and_revoking_are_recorded(pipeline: Pipeline, recording_grants: GrantStore) -> None:
    """Creating and revoking a grant each record a review event naming the grant."""
    grant = recording_grants.create(_spec())
    recording_grants.revoke(grant.id, by="sam", reason="done")
    reviews = _reviews(pipeline)
    assert [(r.action, r.reviewer, r.target) for r in reviews] == [
        ("grant", "rita", f"grant:{grant.id}"),
        ("revoke", "sam", f"grant:{grant.id}"),
    ]
    assert pipeline.decide(bash("pytest -x")).decision is Decision.ASK


def test_grants_are_shared_through_the_file(home: Path, recording_grants: GrantStore) -> None:
    """A grant made by one store is listed by another store over the same file."""
    grant = recording_grants.create(_spec())
    assert [g.id for g in GrantStore(home / GRANTS_FILE).list()] == [grant.id]


def test_an_unrecorded_grant_is_not_kept(home: Path) -> None:
    """When the ledger refuses the grant event, the grant is removed again."""

    def refuse(_events: object) -> object:
        raise OSError("disk full")

    store = GrantStore(home / GRANTS_FILE, refuse)
    with pytest.raises(OSError, match="disk full"):
        store.create(_spec())
    assert store.list(include_ended=True) == []


def test_a_store_without_a_recorder_cannot_change(grants: GrantStore) -> None:
    """The read-only store the pipeline holds refuses to make grants."""
    with pytest.raises(GrantError, match="without a ledger"):
        grants.create(_spec())


def test_revoking_an_unknown_grant_names_it(recording_grants: GrantStore) -> None:
    """Revoking a grant that does not exist raises `GrantNotFoundError` naming it."""
    with pytest.raises(GrantNotFoundError, match="`nope`"):
        recording_grants.revoke("nope", by="sam")


def test_a_broken_grants_file_keeps_the_ask(home: Path, pipeline: Pipeline) -> None:
    """A corrupt grants file leaves an ask standing, with the error in the verdict."""
    (home / GRANTS_FILE).write_text("[not an object")
    verdict = pipeline.decide(bash("pytest -x"))
    assert verdict.decision is Decision.ASK
    assert any("grants failed" in error for error in verdict.errors)
