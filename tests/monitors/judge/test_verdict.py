"""Reading the judge's JSON answer."""

from __future__ import annotations

import pytest

from watchkeeper.monitors.judge import JudgeAnswerError, parse_answer


def test_answer_inside_a_code_fence_is_read() -> None:
    """A JSON object wrapped in prose or a code fence is found."""
    answer = parse_answer('Sure:\n```json\n{"score": 0.4, "rationale": "meh", "steps": [1]}\n```')
    assert (answer.score, answer.rationale, answer.steps) == (0.4, "meh", (1,))


@pytest.mark.parametrize(
    "content",
    ['{"score": "high"}', '{"score": true}', '{"score": -0.1}', "no json here", "[1, 2]"],
)
def test_unusable_answers_are_errors(content: str) -> None:
    """A missing, non-numeric or out-of-range score is an error, never a default."""
    with pytest.raises(JudgeAnswerError):
        parse_answer(content)
