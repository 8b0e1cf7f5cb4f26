"""The LLM judge: the costly last stage of the monitor cascade, over any OpenAI-compatible
chat endpoint, with versioned rubrics, a content-hash cache and a token budget."""

from watchkeeper.monitors.judge._budget import Budget
from watchkeeper.monitors.judge._cache import JudgeCache, cache_key
from watchkeeper.monitors.judge._client import ChatClient, ChatReply, JudgeCallError
from watchkeeper.monitors.judge._monitor import JudgeConfigError, LlmJudge, llm_judge
from watchkeeper.monitors.judge._render import RenderedSession, render_session
from watchkeeper.monitors.judge._rubric import RUBRICS, Rubric, UnknownRubricError, rubric
from watchkeeper.monitors.judge._verdict import JudgeAnswer, JudgeAnswerError, parse_answer

__all__ = [
    "RUBRICS",
    "Budget",
    "ChatClient",
    "ChatReply",
    "JudgeAnswer",
    "JudgeAnswerError",
    "JudgeCache",
    "JudgeCallError",
    "JudgeConfigError",
    "LlmJudge",
    "RenderedSession",
    "Rubric",
    "UnknownRubricError",
    "cache_key",
    "llm_judge",
    "parse_answer",
    "render_session",
    "rubric",
]
