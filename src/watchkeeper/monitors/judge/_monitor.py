"""The LLM judge as a monitor: the last, costly stage of a cascade.

It runs when a session reaches a point worth judging (an assistant message, a stop or the
end of the session) and only if the cheaper monitors before it already scored the session at
`min_score` or more, or the session falls in a `sample_rate` sample (chosen by a hash of its
id, so a replay samples the same sessions). Answers are cached by content; calls stay inside
a token and cost budget. A timeout, an error or an unreadable answer is a finding that asks
for review, never a pass.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.events import Lifecycle, Message, Severity
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.monitors.judge._budget import Budget
from watchkeeper.monitors.judge._cache import JudgeCache, cache_key
from watchkeeper.monitors.judge._client import ChatClient, JudgeCallError
from watchkeeper.monitors.judge._render import RenderedSession, render_session
from watchkeeper.monitors.judge._rubric import Rubric, messages, rubric
from watchkeeper.monitors.judge._verdict import JudgeAnswer, JudgeAnswerError, parse_answer

__all__ = ["JudgeConfigError", "LlmJudge", "llm_judge"]

NAME = "llm-judge"
_END_PHASES = frozenset({"stop", "session_end", "end"})
_log = logging.getLogger(__name__)


class JudgeConfigError(ValueError):
    """The judge was given an unusable setting; fix the monitor's settings."""


def llm_judge(
    *,
    base_url: str,
    model: str,
    rubric: str = "integrity",
    api_key_env: str | None = "OPENAI_API_KEY",
    min_score: float = 0.3,
    sample_rate: float = 0.02,
    timeout: float = 30.0,
    max_output: int = 600,
    max_transcript: int = 24_000,
    max_answer_tokens: int = 300,
    daily_tokens: int = 2_000_000,
    daily_cost: float | None = None,
    cost_per_1k_tokens: float = 0.0,
    cache: str | None = None,
) -> Monitor:
    """Return the LLM judge monitor for `rubric`, asking `model` at `base_url`.

    The API key is read from the environment variable `api_key_env` (never from the
    settings file); None sends no key (local servers). `cache` is a SQLite file for answers
    (default: in memory, for this process only).
    """
    chosen = _rubric(rubric)
    if not 0.0 <= min_score <= 1.0 or not 0.0 <= sample_rate <= 1.0:
        raise JudgeConfigError(
            f"`min_score` {min_score!r} and `sample_rate` {sample_rate!r} must be within [0, 1]"
        )
    if timeout <= 0 or max_transcript < 1000 or daily_tokens < 1:
        raise JudgeConfigError(
            "`timeout` must be > 0, `max_transcript` >= 1000 and `daily_tokens` >= 1"
        )
    api_key = os.environ.get(api_key_env) if api_key_env else None
    return LlmJudge(
        client=ChatClient(base_url, model, api_key=api_key, timeout=timeout),
        settings=_Settings(chosen, model, min_score, sample_rate, max_output, max_transcript),
        max_answer_tokens=max_answer_tokens,
        budget=Budget(max_tokens=daily_tokens, max_cost=daily_cost, cost_per_1k=cost_per_1k_tokens),
        cache=JudgeCache(Path(cache) if cache else None),
    )


def _rubric(name: str) -> Rubric:
    try:
        return rubric(name)
    except ValueError as exc:
        raise JudgeConfigError(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class _Settings:
    rubric: Rubric
    model: str
    min_score: float
    sample_rate: float
    max_output: int
    max_transcript: int


class LlmJudge:
    """Asks an OpenAI-compatible model to score a session against a rubric (see module doc)."""

    def __init__(
        self,
        *,
        client: ChatClient,
        settings: _Settings,
        max_answer_tokens: int,
        budget: Budget,
        cache: JudgeCache,
    ) -> None:
        self._client = client
        self._settings = settings
        self._max_answer_tokens = max_answer_tokens
        self._budget = budget
        self._cache = cache

    @property
    def name(self) -> str:
        return NAME

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        if not _is_checkpoint(step):
            return None
        scratch = session.scratch(NAME)
        if scratch.get("judged_steps") == len(session.steps):
            return None
        if session.peak_score < self._settings.min_score and not self._sampled(session):
            return None
        scratch["judged_steps"] = len(session.steps)
        rendered = render_session(
            session,
            max_output=self._settings.max_output,
            max_total=self._settings.max_transcript,
        )
        key = cache_key(
            self._settings.rubric.ref, self._settings.model, rendered.text, rendered.fence
        )
        answer = self._cache.get(key)
        if answer is None:
            estimate = len(rendered.text) // 3 + self._max_answer_tokens
            if not self._budget.allows(estimate):
                return self._needs_review(session, step, "the judge's token budget is spent")
            try:
                answer = self._ask(rendered)
            except (JudgeCallError, JudgeAnswerError) as exc:
                _log.warning("llm judge failed on session %s: %s", session.session_id, exc)
                return self._needs_review(session, step, str(exc))
            self._cache.put(key, answer)
        return self._finding(answer, rendered, step)

    def close(self) -> None:
        """Close the answer cache."""
        self._cache.close()

    def _ask(self, rendered: RenderedSession) -> JudgeAnswer:
        reply = self._client.complete(
            messages(self._settings.rubric, rendered.text, rendered.fence),
            max_tokens=self._max_answer_tokens,
        )
        self._budget.spend(reply.prompt_tokens + reply.completion_tokens)
        return parse_answer(reply.content)

    def _sampled(self, session: SessionView) -> bool:
        if self._settings.sample_rate <= 0:
            return False
        digest = hashlib.sha256(f"{session.deployment_id}/{session.session_id}".encode())
        return int.from_bytes(digest.digest()[:8], "big") / 2**64 < self._settings.sample_rate

    def _finding(self, answer: JudgeAnswer, rendered: RenderedSession, step: Step) -> Finding:
        cited = tuple(rendered.event_ids[n] for n in answer.steps if n in rendered.event_ids)
        chosen = self._settings.rubric
        return Finding(
            monitor=NAME,
            score=answer.score,
            category=chosen.category,
            severity=_severity(answer.score),
            explanation=f"LLM judge ({self._settings.model}, {chosen.ref}): "
            f"{answer.rationale or 'no rationale given'}",
            evidence=cited or (step.event.id,),
        )

    def _needs_review(self, session: SessionView, step: Step, error: str) -> Finding:
        return Finding(
            monitor=NAME,
            score=max(session.peak_score, self._settings.min_score, 0.5),
            category=self._settings.rubric.category,
            severity=Severity.MEDIUM,
            explanation="the LLM judge could not score this session, so it needs a person "
            f"to review it ({error})",
            evidence=(step.event.id,),
            error=error,
        )


def _is_checkpoint(step: Step) -> bool:
    event = step.event
    if isinstance(event, Message):
        return event.role == "assistant"
    return isinstance(event, Lifecycle) and event.phase in _END_PHASES


def _severity(score: float) -> Severity:
    if score >= 0.9:
        return Severity.HIGH
    if score >= 0.6:
        return Severity.MEDIUM
    if score >= 0.3:
        return Severity.LOW
    return Severity.INFO
