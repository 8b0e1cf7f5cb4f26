"""Alerting on one published event: from the ledger's history, exactly once per trigger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._backends import LedgerBackend
from tests.fanout._sessions import exfiltration
from watchkeeper.alerts import AlertStore
from watchkeeper.events import AlertEvent, Decision, Event, Severity, ToolCall, VerdictEvent
from watchkeeper.fanout import HistoryMismatchError, Published, StepAlerter, alert_event_id
from watchkeeper.ledger import LedgerStore, open_ledger
from watchkeeper.monitors import (
    Finding,
    MonitorsConfig,
    SessionView,
    Step,
    build_monitors,
    default_monitors_config,
)
from watchkeeper.normalize import Normalizer


class _SecondCall:
    """Flags the second tool call of a session, which only the session's history can tell."""

    name = "second-call"

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        calls = sum(isinstance(s.event, ToolCall) for s in session.steps)
        if not isinstance(step.event, ToolCall) or calls != 2:
            return None
        return Finding(self.name, 0.9, "probing", Severity.MEDIUM, "second call", (step.event.id,))


# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


@pytest.fixture
def alerts(home: Path) -> Iterator[AlertStore]:
    """The home's alert table."""
    with AlertStore(home / "alerts.db") as store:
        yield store


@pytest.fixture
def fresh(
    tmp_path: Path, ledger_backend: LedgerBackend, request: pytest.FixtureRequest
) -> Iterator[LedgerStore]:
    """A second, empty ledger on the test's backend (another home, or another schema)."""
    other = tmp_path / "fresh"
    other.mkdir(mode=0o700)
    url = None if ledger_backend.url is None else str(request.getfixturevalue("postgres_url"))
    with open_ledger(other, url) as store:
        yield store


def _alerter(ledger: LedgerStore, alerts: AlertStore) -> StepAlerter:
    config = default_monitors_config()
    return StepAlerter(
        build_monitors(config),
        config,
        normalize=Normalizer().tool_call,
        ledger=ledger,
        alerts=alerts,
    )


def _record(ledger: LedgerStore, events: list[Event]) -> list[Published]:
    receipts = ledger.append(events)
    return [Published(r.seq, e) for r, e in zip(receipts, events, strict=True)]


def _alert_events(ledger: LedgerStore) -> list[AlertEvent]:
    return [e for _, e in ledger.events() if isinstance(e, AlertEvent)]


def test_suspicious_step_alerts_once_in_ledger_and_table(
    ledger: LedgerStore, alerts: AlertStore
) -> None:
    """Uploading a key read earlier raises one alert, in the ledger and in the table."""
    published = _record(ledger, exfiltration("s1"))
    alerter = _alerter(ledger, alerts)
    outcomes = [alerter.handle(p) for p in published]
    assert [len(o.alert_ids) for o in outcomes] == [0, 0, 0, 1]
    (recorded,) = _alert_events(ledger)
    assert recorded.id == outcomes[-1].alert_ids[0]
    assert recorded.id == alert_event_id(published[-1].event, recorded)
    (alert,) = alerts.list()
    assert (alert.category, alert.count) == (recorded.category, 1)


def test_redelivered_event_writes_no_second_alert(ledger: LedgerStore, alerts: AlertStore) -> None:
    """Handling the same event again, as after a redelivery, adds no alert anywhere."""
    published = _record(ledger, exfiltration("s1"))
    alerter = _alerter(ledger, alerts)
    for p in published:
        alerter.handle(p)
    again = alerter.handle(published[-1], redelivered=True)
    assert again.alert_ids == ()
    assert len(_alert_events(ledger)) == 1
    (alert,) = alerts.list()
    assert alert.count == 1


def test_retry_after_table_write_still_records_the_alert_event(
    ledger: LedgerStore, alerts: AlertStore, fresh: LedgerStore
) -> None:
    """A worker that died between the alert table and the ledger leaves a retry to record it."""
    published = _record(ledger, exfiltration("s1"))
    alerter = _alerter(ledger, alerts)
    first = alerter.handle(published[-1])
    (recorded,) = _alert_events(ledger)
    # The ledger write is lost: the same session, in a ledger without the alert event.
    replayed = _record(fresh, [p.event for p in published])
    retry = StepAlerter(
        build_monitors(default_monitors_config()),
        default_monitors_config(),
        normalize=Normalizer().tool_call,
        ledger=fresh,
        alerts=alerts,
    ).handle(replayed[-1], redelivered=True)
    assert retry.alert_ids == first.alert_ids
    assert [e.id for e in _alert_events(fresh)] == [recorded.id]
    assert len(alerts.list()) == 1


def test_tool_call_decided_by_the_gateway_is_not_monitored_again(
    ledger: LedgerStore, alerts: AlertStore
) -> None:
    """A tool call recorded with its verdict was monitored at decision time; workers skip it."""
    events = exfiltration("s1")
    call = events[-1]
    assert isinstance(call, ToolCall)
    verdict = VerdictEvent(
        deployment_id=call.deployment_id,
        session_id=call.session_id,
        call_id=call.id,
        decision=Decision.DENY,
    )
    published = _record(ledger, [*events, verdict])
    outcome = _alerter(ledger, alerts).handle(published[3])
    assert (outcome.status, outcome.alert_ids) == ("decided", ())
    assert alerts.list() == []


def test_monitors_see_the_session_history_from_the_ledger(
    ledger: LedgerStore, alerts: AlertStore
) -> None:
    """A monitor that needs earlier steps gets them, though this alerter never saw them."""
    published = _record(ledger, exfiltration("s1"))
    alerter = StepAlerter(
        [_SecondCall()],
        MonitorsConfig(),
        normalize=Normalizer().tool_call,
        ledger=ledger,
        alerts=alerts,
    )
    assert len(alerter.handle(published[3]).alert_ids) == 1


def test_event_missing_from_the_ledger_is_an_error(ledger: LedgerStore, alerts: AlertStore) -> None:
    """An event the worker's ledger does not hold at its seq raises `HistoryMismatchError`."""
    _record(ledger, exfiltration("s1"))
    stranger = exfiltration("s1")[0]
    with pytest.raises(HistoryMismatchError, match=stranger.id):
        _alerter(ledger, alerts).handle(Published(1, stranger))


def test_non_step_events_are_ignored(ledger: LedgerStore, alerts: AlertStore) -> None:
    """Verdicts, alerts and lifecycle records are not steps, so workers only acknowledge them."""
    verdict = VerdictEvent(session_id="s1", call_id="c", decision=Decision.ALLOW)
    (published,) = _record(ledger, [verdict])
    assert _alerter(ledger, alerts).handle(published).status == "ignored"
