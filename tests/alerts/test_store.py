"""The alert store: deduplication per session and category, review status, queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.alerts import AlertNotFoundError, AlertStatus, AlertStore, Raised
from watchkeeper.events import Severity


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AlertStore]:
    """An alert store in a fresh SQLite file."""
    with AlertStore(tmp_path / "alerts.db") as opened:
        yield opened


def _raise(store: AlertStore, **overrides: Any) -> Raised:
    fields: dict[str, Any] = {
        "deployment_id": "d",
        "session_id": "s1",
        "monitor": "rogue-precursors",
        "category": "persistence",
        "severity": Severity.MEDIUM,
        "score": 0.6,
        "evidence": ["e1"],
        "explanation": "crontab edited",
    }
    fields.update(overrides)
    return store.raise_alert(**fields)


def test_repeat_in_same_session_and_category_is_folded(store: AlertStore) -> None:
    """A second finding for the same session and category bumps the count, not a new alert."""
    first = _raise(store)
    second = _raise(store, evidence=["e2"])
    assert first.new
    assert not second.new
    assert not second.escalated
    assert second.alert.id == first.alert.id
    assert second.alert.count == 2
    assert second.alert.evidence == ("e1", "e2")


def test_stronger_repeat_escalates(store: AlertStore) -> None:
    """A repeat with higher severity raises the stored severity and score and says so."""
    _raise(store)
    again = _raise(store, severity=Severity.CRITICAL, score=0.99, explanation="worse")
    assert again.escalated
    assert (again.alert.severity, again.alert.score, again.alert.explanation) == (
        Severity.CRITICAL,
        0.99,
        "worse",
    )


def test_other_category_or_session_is_a_new_alert(store: AlertStore) -> None:
    """Deduplication is per (deployment, session, category)."""
    base = _raise(store).alert.id
    assert _raise(store, category="exfiltration").alert.id != base
    assert _raise(store, session_id="s2").alert.id != base


def test_dismissed_alert_is_not_reopened(store: AlertStore) -> None:
    """After an alert is dismissed, a new finding opens a fresh alert."""
    first = _raise(store).alert
    store.set_status(first.id, AlertStatus.DISMISSED, note="expected cron")
    again = _raise(store)
    assert again.new
    assert store.get(first.id).status is AlertStatus.DISMISSED
    assert store.get(first.id).note == "expected cron"


def test_list_filters_by_status_severity_and_session(store: AlertStore) -> None:
    """`list` narrows by status, minimum severity and session, newest first."""
    low = _raise(store, category="a", severity=Severity.LOW).alert
    high = _raise(store, category="b", severity=Severity.HIGH).alert
    other = _raise(store, category="c", session_id="s2").alert
    store.set_status(low.id, AlertStatus.ACKNOWLEDGED)
    assert [a.id for a in store.list()] == [other.id, high.id, low.id]
    assert [a.id for a in store.list(status=AlertStatus.ACKNOWLEDGED)] == [low.id]
    assert [a.id for a in store.list(min_severity=Severity.HIGH)] == [high.id]
    assert [a.id for a in store.list(session_id="s2")] == [other.id]


def test_unknown_id_raises_not_found(store: AlertStore) -> None:
    """Reviewing an alert that does not exist is an `AlertNotFoundError`."""
    with pytest.raises(AlertNotFoundError, match="alert `99` does not exist"):
        store.set_status(99, AlertStatus.CONFIRMED)


def test_alerts_survive_reopening(tmp_path: Path) -> None:
    """Alerts are durable: a new store on the same file sees them."""
    with AlertStore(tmp_path / "alerts.db") as first:
        alert_id = _raise(first).alert.id
    with AlertStore(tmp_path / "alerts.db") as second:
        assert second.get(alert_id).explanation == "crontab edited"
