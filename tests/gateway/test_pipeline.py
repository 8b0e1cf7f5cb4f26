"""The pipeline: decide → record durably, session facts, and failing closed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from watchkeeper.events import (
    Decision,
    ErrorEvent,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.gateway import Pipeline, build_pipeline
from watchkeeper.ledger import ledger_source, open_ledger
from watchkeeper.normalize import Action, Normalizer
from watchkeeper.policy import SessionContext, Verdict, load_policy

# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def _bash(command: str, session: str = "s1", **fields: str) -> ToolCall:
    return ToolCall(session_id=session, tool="Bash", args={"command": command}, **fields)


class _ExplodingPolicy:
    """A policy whose evaluation raises, as a buggy rule or matcher would."""

    def decide(self, action: Action, context: SessionContext) -> Verdict:
        raise RuntimeError(f"matcher crashed on {action.tool}")


def test_decide_returns_policy_verdict(pipeline: Pipeline) -> None:
    """Allow, ask and deny come from the policy with the rule that decided."""
    assert pipeline.decide(_bash("echo hi")).rule_ids == ("allow-echo",)
    asked = pipeline.decide(_bash("git push origin main"))
    assert (asked.decision, asked.rule_ids) == (Decision.ASK, ("ask-git-push",))
    denied = pipeline.decide(_bash("rm -f notes.txt"))
    assert (denied.decision, denied.rule_ids) == (Decision.DENY, ("deny-rm",))


def test_call_and_verdict_are_recorded_before_decide_returns(pipeline: Pipeline) -> None:
    """When decide returns, the call and its verdict are both committed to the ledger."""
    call = _bash("echo hi")
    verdict = pipeline.decide(call)
    recorded = [event for _seq, event in pipeline.store.events(session_id="s1")]
    assert recorded[0] == call
    assert isinstance(recorded[1], VerdictEvent)
    assert recorded[1].call_id == call.id
    assert recorded[1].decision == verdict.decision
    assert recorded[1].rule_ids == verdict.rule_ids


def test_policy_error_becomes_recorded_deny(home: Path) -> None:
    """A policy that raises yields deny, with the error kept and recorded."""
    store = open_ledger(home)
    with Pipeline(Normalizer(), _ExplodingPolicy(), store) as pipeline:
        verdict = pipeline.decide(_bash("echo hi"))
        events = [event for _seq, event in store.events()]
    assert verdict.decision is Decision.DENY
    assert any("matcher crashed on Bash" in error for error in verdict.errors)
    assert [event.kind for event in events] == ["tool_call", "error", "verdict"]
    error = events[1]
    assert isinstance(error, ErrorEvent)
    assert "matcher crashed" in error.message


def test_closed_ledger_means_deny_could_not_record(home: Path, policy_file: Path) -> None:
    """A pipeline whose ledger is closed denies even calls the policy allows."""
    pipeline = build_pipeline(home, policy_path=policy_file)
    pipeline.close()
    verdict = pipeline.decide(_bash("echo hi"))
    assert verdict.decision is Decision.DENY
    assert "could not record" in verdict.explanation
    assert "echo" not in verdict.agent_message


def test_untrusted_tool_result_changes_later_decisions(pipeline: Pipeline) -> None:
    """After a WebFetch result the session context reports untrusted content."""
    assert pipeline.decide(_bash("echo before")).decision is Decision.ALLOW
    pipeline.record([ToolResult(session_id="s1", tool="WebFetch", output="<html>")])
    after = pipeline.decide(_bash("echo after"))
    assert (after.decision, after.rule_ids) == (Decision.DENY, ("deny-after-untrusted",))


def test_tool_result_without_name_is_matched_by_tool_use_id(pipeline: Pipeline) -> None:
    """A result naming only its tool_use_id is attributed to the call that had that id."""
    call = ToolCall(session_id="s1", tool="mcp__web__get", args={}, tool_use_id="toolu_1")
    pipeline.decide(call)
    pipeline.record([ToolResult(session_id="s1", tool_use_id="toolu_1", output="text")])
    assert pipeline.decide(_bash("echo hi")).rule_ids == ("deny-after-untrusted",)


def test_untrusted_content_in_other_session_does_not_count(pipeline: Pipeline) -> None:
    """Session facts are per session: another session's web fetch changes nothing here."""
    pipeline.record([ToolResult(session_id="other", tool="WebFetch", output="x")])
    assert pipeline.decide(_bash("echo hi")).decision is Decision.ALLOW


def test_session_facts_survive_a_restart(home: Path, policy_file: Path) -> None:
    """A new pipeline on the same ledger rebuilds untrusted_seen from recorded events."""
    with build_pipeline(home, policy_path=policy_file) as first:
        first.record([ToolResult(session_id="s1", tool="WebSearch", output="results")])
    with build_pipeline(home, policy_path=policy_file) as second:
        assert second.decide(_bash("echo hi")).decision is Decision.DENY


def test_concurrent_decides_are_all_recorded(pipeline: Pipeline) -> None:
    """Decisions made from many threads at once are each recorded with their verdict."""
    calls = [_bash(f"echo {n}", session=f"s{n % 4}") for n in range(200)]

    def run(chunk: list[ToolCall]) -> None:
        for call in chunk:
            pipeline.decide(call)

    threads = [threading.Thread(target=run, args=(calls[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdicts = {
        event.call_id for _seq, event in pipeline.store.events() if isinstance(event, VerdictEvent)
    }
    assert verdicts == {call.id for call in calls}


def test_build_pipeline_writes_default_policy_with_pack(home: Path) -> None:
    """On first use the home gets a policy.yaml that includes the coding-agent pack."""
    with build_pipeline(home):
        pass
    policy = load_policy(home / "policy.yaml")
    assert any(rule.pack == "coding-agent" for rule in policy.rules)
    assert (home / "keys").is_dir()
    assert ledger_source(home).head().seq == 0  # the ledger exists (raises if not) and is empty


def test_unencodable_call_is_denied_and_traced(pipeline: Pipeline) -> None:
    """A call the ledger cannot encode (nested too deep) is denied, and an error event says so."""
    deep: dict[str, object] = {}
    level = deep
    for _ in range(700):
        level["a"] = level = {}
    call = ToolCall(session_id="s1", tool="Bash", args={"command": "echo hi", "deep": deep})
    verdict = pipeline.decide(call)
    assert verdict.decision is Decision.DENY
    assert "could not record" in verdict.explanation
    [error] = [event for _seq, event in pipeline.store.events()]
    assert isinstance(error, ErrorEvent)
    assert call.id in error.message
    assert error.raw is not None
    assert error.raw.startswith("{'command': 'echo hi'")
