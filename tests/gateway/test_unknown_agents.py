"""`UnknownAgentAlarm`: one alert per refused identity, never the token."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from watchkeeper.alerts import AlertStore
from watchkeeper.events import AlertEvent, Event
from watchkeeper.gateway._identity import Refusal
from watchkeeper.gateway._unknown_agents import UnknownAgentAlarm

_REFUSAL = Refusal(401, "no", "revoked token", "ci-bot", "0123456789ab", token_known=True)


class _Recorded(list[Event]):
    def __call__(self, events: Sequence[Event]) -> None:
        self.extend(events)


def test_repeats_within_the_quiet_window_record_once() -> None:
    """Without an alert store, a refusal repeated within the window is one event."""
    recorded = _Recorded()
    alarm = UnknownAgentAlarm(recorded)
    for _ in range(5):
        alarm.sound(_REFUSAL, source="127.0.0.1:1", path="/v1/decide")
    [event] = recorded
    assert isinstance(event, AlertEvent)
    assert (event.deployment_id, event.session_id) == ("ci-bot", "token-0123456789ab")


def test_different_known_tokens_alert_separately() -> None:
    """Two refused tokens of one deployment are two alerts: each names its token's hash."""
    recorded = _Recorded()
    alarm = UnknownAgentAlarm(recorded)
    alarm.sound(_REFUSAL, source="a", path="/v1/decide")
    other = Refusal(401, "no", "expired token", "ci-bot", "ffffffffffff", token_known=True)
    alarm.sound(other, source="a", path="/v1/decide")
    assert [e.session_id for e in recorded] == ["token-0123456789ab", "token-ffffffffffff"]


def test_guessed_tokens_and_claims_make_one_alert() -> None:
    """Never-issued tokens claiming ever-new deployments all fold into one `unknown` alert."""
    recorded = _Recorded()
    alarm = UnknownAgentAlarm(recorded)
    for n in range(20):
        guess = Refusal(401, "no", "unknown token", f"claim-{n}", f"{n:012x}")
        alarm.sound(guess, source="10.0.0.9:1", path="/v1/decide")
    [event] = recorded
    assert (event.deployment_id, event.session_id) == ("unknown", "unknown-token")
    assert "claim-0" in event.explanation


def test_repeat_after_the_window_folds_into_the_stored_alert(tmp_path: Path) -> None:
    """After the quiet window a repeat is counted on the open alert, not recorded anew."""
    recorded = _Recorded()
    with AlertStore(tmp_path / "alerts.db") as store:
        alarm = UnknownAgentAlarm(recorded, store, quiet_s=0.0)
        alarm.sound(_REFUSAL, source="10.0.0.1:5", path="/v1/decide")
        alarm.sound(_REFUSAL, source="10.0.0.2:6", path="/v1/decide")
        [alert] = store.list()
    assert len(recorded) == 1
    assert alert.count == 2
    assert {"source 10.0.0.1:5", "source 10.0.0.2:6"} <= set(alert.evidence)


def test_a_malformed_claimed_deployment_is_filed_as_unknown() -> None:
    """A header value that is no valid deployment id never becomes an alert's deployment."""
    recorded = _Recorded()
    alarm = UnknownAgentAlarm(recorded)
    alarm.sound(Refusal(401, "no", "no token", "../../etc x" * 30), source="a", path="/")
    [event] = recorded
    assert (event.deployment_id, event.session_id) == ("unknown", "no-token")
