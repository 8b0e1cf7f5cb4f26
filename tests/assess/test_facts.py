"""`gather_facts`: one pass over the ledger's events gives each deployment's facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from watchkeeper.assess import gather_facts
from watchkeeper.events import (
    AlertEvent,
    Decision,
    DeploymentEvent,
    Event,
    Lifecycle,
    Message,
    ReviewEvent,
    Severity,
    ToolCall,
    VerdictEvent,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WINDOW = {"start": T0 - timedelta(days=1), "end": T0 + timedelta(days=1)}


def _call(command: str, *, session: str = "s1", at: int = 0, name: str = "dep") -> ToolCall:
    return ToolCall(
        deployment_id=name,
        session_id=session,
        ts=T0 + timedelta(seconds=at),
        tool="Bash",
        args={"command": command},
        cwd="/work/proj",
    )


def _alert(category: str, at: int = 0) -> AlertEvent:
    return AlertEvent(
        deployment_id="dep", session_id="s1", ts=T0 + timedelta(seconds=at), monitor="m",
        category=category, severity=Severity.HIGH, score=0.9,
    )  # fmt: skip


def test_tool_calls_tools_commands_and_sessions_are_counted() -> None:
    """Calls, distinct tools, command names and sessions come from tool calls."""
    events = [_call("ls"), _call("git status", session="s2"), _call("ls -la", at=1)]
    facts = gather_facts(events, **WINDOW)["dep"]
    assert (facts.tool_calls, facts.sessions, dict(facts.tools)) == (3, {"s1", "s2"}, {"Bash": 3})
    assert dict(facts.commands) == {"ls": 2, "git": 1}


def test_infrastructure_commands_keep_their_event_ids() -> None:
    """A `kubectl` command is an infrastructure action recorded with its event id."""
    call = _call("kubectl apply -f job.yaml")
    facts = gather_facts([_call("ls"), call], **WINDOW)["dep"]
    assert facts.infra == [(call.id, "kubectl apply -f job.yaml")]


def test_external_hosts_are_counted() -> None:
    """Hosts a call reaches are counted per host."""
    facts = gather_facts([_call("curl https://example.com/a")], **WINDOW)["dep"]
    assert dict(facts.external_hosts) == {"example.com": 1}


def test_decisions_and_denied_calls() -> None:
    """Verdicts are counted by decision and denied call ids kept."""
    call = _call("rm -rf /")
    events: list[Event] = [
        call,
        VerdictEvent(deployment_id="dep", session_id="s1", ts=T0, call_id=call.id,
                     decision=Decision.DENY),
        VerdictEvent(deployment_id="dep", session_id="s1", ts=T0, call_id="other",
                     decision=Decision.ALLOW),
    ]  # fmt: skip
    facts = gather_facts(events, **WINDOW)["dep"]
    assert dict(facts.decisions) == {"deny": 1, "allow": 1}
    assert facts.denied_ids == [call.id]


def test_alerts_are_counted_by_category_with_ids() -> None:
    """Each alert counts for its category and its id is kept."""
    first, second = _alert("probing"), _alert("probing", at=1)
    facts = gather_facts([first, second, _alert("test-tampering")], **WINDOW)["dep"]
    assert dict(facts.alerts) == {"probing": 2, "test-tampering": 1}
    assert facts.alert_ids["probing"] == [first.id, second.id]


def test_review_latency_is_measured_from_the_call() -> None:
    """An approve naming a call adds the seconds between the call and the decision."""
    call = _call("git push", at=0)
    review = ReviewEvent(
        deployment_id="dep", session_id="s1", ts=T0 + timedelta(seconds=42), action="approve",
        reviewer="rita", detail={"call_id": call.id},
    )  # fmt: skip
    timeout = ReviewEvent(deployment_id="dep", session_id="s1", ts=T0, action="timeout",
                          reviewer="gateway", detail={"call_id": call.id})  # fmt: skip
    facts = gather_facts([call, review, timeout], **WINDOW)["dep"]
    assert facts.review_latency_s == [42.0]
    assert dict(facts.reviews) == {"approve": 1, "timeout": 1}


def test_bypassed_permissions_are_recorded() -> None:
    """A permission_mode lifecycle in bypassPermissions mode is a permissive run."""
    bypass = Lifecycle(deployment_id="dep", session_id="s1", ts=T0, phase="permission_mode",
                       detail={"mode": "bypassPermissions"})  # fmt: skip
    normal = Lifecycle(deployment_id="dep", session_id="s1", ts=T0, phase="permission_mode",
                       detail={"mode": "default"})  # fmt: skip
    assert gather_facts([bypass, normal], **WINDOW)["dep"].permissive_ids == [bypass.id]


def test_autonomous_run_restarts_on_a_human_decision() -> None:
    """A user message resets the run of calls; the longest run is kept."""
    events: list[Event] = [_call("ls", at=i) for i in range(3)]
    events.append(Message(deployment_id="dep", session_id="s1", ts=T0, role="user", text="go"))
    events += [_call("ls", at=10 + i) for i in range(2)]
    facts = gather_facts(events, **WINDOW)["dep"]
    assert facts.longest_autonomous == 3


def test_autonomous_runs_are_per_session() -> None:
    """Calls in two sessions do not add up to one run."""
    events = [_call("ls", session=f"s{i % 2}", at=i) for i in range(6)]
    assert gather_facts(events, **WINDOW)["dep"].longest_autonomous == 3


def test_containment_results_are_kept() -> None:
    """A `contained` deployment event is kept with its id and time."""
    detail = {"contained": True, "time_to_containment_s": 2.0}
    event = DeploymentEvent(
        deployment_id="dep", session_id="kill", ts=T0, action="contained", name="dep", detail=detail
    )
    contained = gather_facts([event], **WINDOW)["dep"].contained
    assert contained == [
        {"contained": True, "time_to_containment_s": 2.0, "event_id": event.id, "ts": T0}
    ]


def test_events_outside_the_window_are_ignored() -> None:
    """Only events with start <= ts < end count."""
    events = [_call("ls", at=-2 * 86_400), _call("ls", at=86_400), _call("ls", name="other")]
    assert list(gather_facts(events, **WINDOW)) == ["other"]
