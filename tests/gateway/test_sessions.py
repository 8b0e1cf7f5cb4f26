"""Per-session facts: untrusted content and denial counts."""

from __future__ import annotations

from collections.abc import Iterable

from watchkeeper.events import Decision, Event, ToolCall, ToolResult, VerdictEvent
from watchkeeper.gateway import SessionTracker


def _verdict(decision: Decision, session: str = "s1") -> VerdictEvent:
    return VerdictEvent(session_id=session, call_id="c", decision=decision)


def test_new_session_has_no_facts() -> None:
    """A session nothing is known about starts trusted with no denials."""
    context = SessionTracker().context("local", "s1")
    assert (context.untrusted_seen, context.denied_count) == (False, 0)


def test_untrusted_results_are_named_by_tool() -> None:
    """Results from untrusted tools set untrusted_seen and name their tools; others don't."""
    tracker = SessionTracker()
    tracker.observe(
        [
            ToolResult(session_id="s1", tool="Read", output="local file"),
            ToolResult(session_id="s1", tool="WebSearch", output="results"),
            ToolResult(session_id="s1", tool="mcp__jira__get_issue", output="ticket"),
        ]
    )
    context = tracker.context("local", "s1")
    assert context.untrusted_seen
    assert context.untrusted_sources == {"WebSearch", "mcp__jira__get_issue"}


def test_a_web_fetch_call_alone_is_not_untrusted_content() -> None:
    """Only a tool's result brings content in; asking to fetch does not."""
    tracker = SessionTracker()
    tracker.observe([ToolCall(session_id="s1", tool="WebFetch", args={"url": "https://x.io"})])
    assert not tracker.context("local", "s1").untrusted_seen


def test_denials_are_counted() -> None:
    """Deny verdicts are counted per session; allow and ask are not."""
    tracker = SessionTracker()
    decisions = [Decision.DENY, Decision.ALLOW, Decision.DENY, Decision.ASK]
    tracker.observe([*map(_verdict, decisions), _verdict(Decision.DENY, session="s2")])
    assert tracker.context("local", "s1").denied_count == 2


def test_facts_are_per_deployment() -> None:
    """The same session id in another deployment has its own facts."""
    tracker = SessionTracker()
    tracker.observe([ToolResult(deployment_id="a", session_id="s1", tool="WebFetch")])
    assert tracker.context("a", "s1").untrusted_seen
    assert not tracker.context("b", "s1").untrusted_seen


def test_unseen_session_is_rebuilt_from_history() -> None:
    """A session first seen after a restart replays its history once."""
    loads: list[tuple[str, str]] = []

    def history(deployment_id: str, session_id: str) -> Iterable[Event]:
        loads.append((deployment_id, session_id))
        return [ToolResult(session_id=session_id, tool="WebFetch"), _verdict(Decision.DENY)]

    tracker = SessionTracker(history)
    tracker.context("local", "s1")
    context = tracker.context("local", "s1")
    assert (context.untrusted_seen, context.denied_count) == (True, 1)
    assert loads == [("local", "s1")]
