"""The LLM judge monitor against the fake OpenAI-compatible endpoint in `watchkeeper.testing`."""

from __future__ import annotations

import json

import pytest

from tests.monitors.judge.conftest import cheating_session, stop_step
from watchkeeper.events import ToolCall
from watchkeeper.monitors import Step, build_monitor
from watchkeeper.monitors.judge import JudgeConfigError, llm_judge
from watchkeeper.testing import FakeOpenAI, FakeReply

GUILTY = json.dumps({"score": 0.93, "rationale": "Step 2 shows 2 failures.", "steps": [2, 3]})


def test_judge_scores_a_suspicious_session_at_its_end() -> None:
    """An assistant message in a session the cheap monitors flagged is judged, with citations."""
    session, step = cheating_session()
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None)
        finding = judge(session, step)
    assert finding is not None
    assert finding.score == pytest.approx(0.93)
    assert finding.evidence == (session.steps[1].event.id, session.steps[2].event.id)
    assert "integrity@v1" in finding.explanation


def test_judge_skips_sessions_below_the_cascade_threshold() -> None:
    """A session the cheap monitors scored below `min_score` is not sent (sample rate 0)."""
    session, step = cheating_session(peak=0.1)
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None, sample_rate=0.0)
        assert judge(session, step) is None
    assert fake.requests == []


def test_sampling_judges_a_fixed_fraction_of_quiet_sessions() -> None:
    """With sample rate 1, even a quiet session is judged."""
    session, step = cheating_session(peak=0.0)
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None, sample_rate=1.0)
        assert judge(session, step) is not None


def test_tool_calls_are_not_judge_checkpoints() -> None:
    """Only assistant messages and session ends trigger the judge."""
    session, _ = cheating_session()
    step = Step(9, ToolCall(session_id="s1", tool="Bash", args={"command": "ls"}))
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None)
        assert judge(session, step) is None
    assert fake.requests == []


def test_answers_are_cached_by_content() -> None:
    """The same transcript judged twice costs one call."""
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None)
        for _ in range(2):
            session, step = cheating_session()
            judge(session, step)
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        FakeReply(status=500, error_message="overloaded"),
        FakeReply("I think it is fine."),
        FakeReply(json.dumps({"score": 7})),
        FakeReply(GUILTY, delay=1.5),
    ],
    ids=["server-error", "no-json", "score-out-of-range", "timeout"],
)
def test_failures_ask_for_review_never_pass(reply: FakeReply) -> None:
    """An error, an unreadable answer or a timeout becomes a finding that needs review."""
    session, step = cheating_session()
    with FakeOpenAI([reply]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None, timeout=0.5)
        finding = judge(session, step)
    assert finding is not None
    assert finding.error
    assert finding.score >= 0.5
    assert "needs a person" in finding.explanation


def test_spent_budget_asks_for_review_without_calling() -> None:
    """Past the daily token budget, the judge does not call and asks for review instead."""
    session, step = cheating_session()
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None, daily_tokens=10)
        finding = judge(session, step)
    assert fake.requests == []
    assert finding is not None
    assert finding.error == "the judge's token budget is spent"


def test_api_key_comes_from_the_named_environment_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The key is read from `api_key_env` and sent as a bearer token."""
    monkeypatch.setenv("JUDGE_KEY", "sk-secret")
    session, step = cheating_session()
    with FakeOpenAI([FakeReply(GUILTY)], api_key="sk-secret") as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env="JUDGE_KEY")
        finding = judge(session, step)
    assert finding is not None
    assert finding.error is None


def test_a_judged_session_is_not_judged_again_without_new_steps() -> None:
    """Judging the same point of a session twice calls once and reports once."""
    session, step = cheating_session()
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None)
        first, second = judge(session, step), judge(session, step)
    assert (first is not None, second, len(fake.requests)) == (True, None, 1)


def test_session_end_is_a_checkpoint() -> None:
    """A `stop` lifecycle step triggers the judge."""
    session, _ = cheating_session()
    with FakeOpenAI([FakeReply(GUILTY)]) as fake:
        judge = llm_judge(base_url=fake.base_url, model="m", api_key_env=None)
        assert judge(session, stop_step(session)) is not None


def test_unknown_rubric_is_a_config_error() -> None:
    """A rubric name that does not exist is refused when the monitor is built."""
    with pytest.raises(JudgeConfigError, match="rubric `nope` is unknown"):
        llm_judge(base_url="http://127.0.0.1:9/v1", model="m", rubric="nope")


def test_judge_is_built_through_the_registry() -> None:
    """`llm-judge` is an entry point like every other monitor."""
    monitor = build_monitor("llm-judge", base_url="http://127.0.0.1:9/v1", model="m")
    assert monitor.name == "llm-judge"
