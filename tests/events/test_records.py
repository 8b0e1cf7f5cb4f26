"""Event records: validation, discrimination and canonical bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pydantic
import pytest

from watchkeeper.events import (
    Decision,
    DeploymentEvent,
    ErrorEvent,
    Lifecycle,
    ProcessEvent,
    ToolCall,
    VerdictEvent,
    canonical_json,
    parse_event,
)


def test_parse_event_picks_the_model_named_by_kind() -> None:
    """A mapping with `kind: verdict` validates into a VerdictEvent."""
    event = parse_event(
        {"kind": "verdict", "session_id": "s1", "call_id": "c1", "decision": "deny"}
    )
    assert isinstance(event, VerdictEvent)
    assert event.decision is Decision.DENY


def test_unknown_kind_is_rejected() -> None:
    """An unknown `kind` is a validation error, not a silently accepted record."""
    with pytest.raises(pydantic.ValidationError):
        parse_event({"kind": "teleport", "session_id": "s1"})


def test_unknown_fields_are_rejected() -> None:
    """Records forbid fields they do not define, so typos cannot smuggle data past hashing."""
    with pytest.raises(pydantic.ValidationError):
        ToolCall(session_id="s", tool="Bash", colour="red")  # type: ignore[call-arg]


def test_naive_timestamps_are_rejected() -> None:
    """Every timestamp must carry a timezone."""
    with pytest.raises(pydantic.ValidationError):
        ToolCall(session_id="s", tool="Bash", ts=datetime(2026, 1, 1))


def test_timestamps_are_serialised_in_utc() -> None:
    """A timestamp given in another zone is written as the same instant."""
    plus_two = timezone(timedelta(hours=2))
    event = Lifecycle(session_id="s", phase="start", ts=datetime(2026, 1, 1, 12, tzinfo=plus_two))
    dumped = event.model_dump(mode="json")["ts"]
    assert datetime.fromisoformat(dumped) == datetime(2026, 1, 1, 10, tzinfo=UTC)


def test_records_are_frozen() -> None:
    """A record cannot be changed after it is made."""
    event = ErrorEvent(session_id="s", where="api", message="bad")
    with pytest.raises(pydantic.ValidationError):
        event.message = "good"  # type: ignore[misc]


def test_canonical_json_ignores_key_order() -> None:
    """Canonical bytes depend on content only, never on key order."""
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == canonical_json(
        {"a": [1, {"c": 3, "d": 2}], "b": 1}
    )


def test_canonical_json_rejects_nan() -> None:
    """NaN has no JSON form, so it cannot enter a hashed record."""
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json({"x": float("nan")})


def test_round_trip_keeps_canonical_bytes() -> None:
    """Dumping and re-parsing a record gives identical canonical bytes."""
    call = ToolCall(session_id="s", tool="Bash", args={"command": "ls -la"}, cwd="/w")
    again = parse_event(call.model_dump(mode="json"))
    assert again.canonical() == call.canonical()


def test_nan_in_free_form_fields_is_kept_for_the_ledger_to_refuse() -> None:
    """NaN in `args` survives dumping as NaN (never silently null), so canonical JSON rejects it."""
    call = ToolCall(session_id="s", tool="calc", args={"x": float("nan")})
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json(call.model_dump(mode="json"))


def test_process_events_keep_the_kernel_view_of_a_renamed_process() -> None:
    """A process start round-trips with argv and exe kept apart (renamed argv[0] stays visible)."""
    event = parse_event(
        {
            "kind": "process",
            "session_id": "s1",
            "phase": "start",
            "pid": 4242,
            "ppid": 1,
            "argv": ["[kworker/0:1]"],
            "exe": "/usr/bin/python3.11",
        }
    )
    assert isinstance(event, ProcessEvent)
    assert parse_event(event.model_dump(mode="json")).canonical() == event.canonical()
    assert event.argv[0] != event.exe


def test_process_events_refuse_an_unknown_phase() -> None:
    """Only `start` and `exit` are process phases."""
    with pytest.raises(pydantic.ValidationError):
        parse_event({"kind": "process", "session_id": "s1", "phase": "paused", "pid": 1})


def test_deployment_events_name_the_action_and_the_deployment() -> None:
    """A registry change validates into a DeploymentEvent; an empty action is refused."""
    event = parse_event(
        {"kind": "deployment", "session_id": "registry", "action": "revoke", "name": "bot"}
    )
    assert isinstance(event, DeploymentEvent)
    with pytest.raises(pydantic.ValidationError):
        parse_event({"kind": "deployment", "session_id": "r", "action": "", "name": "bot"})
