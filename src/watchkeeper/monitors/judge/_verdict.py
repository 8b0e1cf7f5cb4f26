"""Reading the judge's answer: one JSON object with a score, a rationale and step numbers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

__all__ = ["JudgeAnswer", "JudgeAnswerError", "parse_answer"]

_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


class JudgeAnswerError(ValueError):
    """The judge's reply is not the JSON object the rubric asks for."""


@dataclass(frozen=True, slots=True)
class JudgeAnswer:
    """The judge's score in [0, 1], its rationale and the step numbers it cited."""

    score: float
    rationale: str
    steps: tuple[int, ...]


def parse_answer(content: str) -> JudgeAnswer:
    """Parse `content` (a bare object, or one inside prose or a code fence)."""
    match = _OBJECT.search(content)
    if match is None:
        raise JudgeAnswerError(f"judge reply has no JSON object: `{_short(content)}`")
    try:
        data = json.loads(match.group(0))
    except ValueError as exc:
        raise JudgeAnswerError(f"judge reply is not valid JSON: `{_short(content)}`") from exc
    if not isinstance(data, dict):
        raise JudgeAnswerError(f"judge reply is not a JSON object: `{_short(content)}`")
    score = data.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise JudgeAnswerError(f"judge score `{score!r}` is not a number from 0 to 1")
    steps = data.get("steps") or []
    if not isinstance(steps, list):
        steps = []
    cited = tuple(s for s in steps if isinstance(s, int) and not isinstance(s, bool))
    return JudgeAnswer(float(score), " ".join(str(data.get("rationale") or "").split()), cited)


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 120 else flat[:117] + "..."
