"""`Deployment.state`: what holds at a given time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from watchkeeper.deployments import Deployment

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _deployment(**changes: object) -> Deployment:
    base: dict[str, object] = {"name": "bot", "owner": "alice", "purpose": "p", "created": T0}
    return Deployment.model_validate({**base, **changes})


def test_active_until_expiry_then_expired() -> None:
    """An active deployment is expired from its expiry on."""
    d = _deployment(expires=T0 + timedelta(hours=1))
    assert d.state(T0 + timedelta(minutes=59)) == "active"
    assert d.state(T0 + timedelta(hours=1)) == "expired"


def test_revoked_wins_over_expired() -> None:
    """A revoked deployment stays revoked after its expiry."""
    d = _deployment(expires=T0 + timedelta(hours=1), status="revoked")
    assert d.state(T0 + timedelta(hours=2)) == "revoked"


def test_suspended_then_expired() -> None:
    """A suspended deployment reads as suspended until it expires."""
    d = _deployment(expires=T0 + timedelta(hours=1), status="suspended")
    assert d.state(T0) == "suspended"
    assert d.state(T0 + timedelta(hours=1)) == "expired"


def test_deployment_is_frozen() -> None:
    """A deployment is a value: it cannot be changed in place."""
    d = _deployment()
    with pytest.raises(ValidationError):
        d.status = "revoked"  # type: ignore[misc]  # asserting that assignment is refused


def test_naive_times_are_refused() -> None:
    """Times must carry a timezone (UTC everywhere)."""
    with pytest.raises(ValidationError):
        _deployment(created=datetime(2026, 1, 1))
