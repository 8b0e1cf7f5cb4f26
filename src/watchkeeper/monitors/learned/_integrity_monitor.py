"""The `integrity-learned` monitor: the integrity monitor's evidence for a whole session,
weighed by a model.

It runs its own integrity monitor on every step (on a private view of the session, so its
state never mixes with an `integrity` monitor configured beside it), folds each finding and
each event into an `IntegrityTally`, and scores the session so far with the shipped logistic
model. A finding is returned when the inner monitor found something on this step or the
session's learned score reached a new high; its explanation names the features that pushed
it most.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from watchkeeper.events import Message, Severity, ToolCall, ToolResult
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.monitors._registry import opt_in
from watchkeeper.monitors.integrity import integrity, task_allows_test_edits
from watchkeeper.monitors.learned._integrity_features import (
    INTEGRITY_DESCRIPTIONS,
    IntegrityTally,
)
from watchkeeper.monitors.learned._integrity_model import (
    INTEGRITY_MODEL_PATH,
    IntegrityModel,
    IntegrityModelError,
    load_integrity_model,
)
from watchkeeper.monitors.learned._linear import evidence_ids

__all__ = ["INTEGRITY_CATEGORY", "IntegrityLearned", "integrity_learned"]

#: The one category the monitor reports under, so sessions are scored by its maximum.
INTEGRITY_CATEGORY = "integrity-learned"
_TOP = 3


@opt_in
def integrity_learned(*, model_path: str | None = None, min_score: float = 0.0) -> Monitor:
    """Return the learned coding-integrity scorer.

    `model_path` replaces the shipped model (a JSON file written by
    ``tools/train_integrity_learned.py``); findings scoring below `min_score` are not returned.
    """
    if not 0.0 <= min_score <= 1.0:
        raise IntegrityModelError(f"`min_score` {min_score!r} is outside [0, 1]; pick one inside")
    model = load_integrity_model(Path(model_path) if model_path else INTEGRITY_MODEL_PATH)
    return IntegrityLearned(model, integrity(), min_score)


class IntegrityLearned:
    """Scores each step's session prefix; per-session state lives in the session's scratch."""

    __slots__ = ("_inner", "_min_score", "model", "name")

    def __init__(
        self,
        model: IntegrityModel,
        inner: Monitor,
        min_score: float = 0.0,
        *,
        name: str = INTEGRITY_CATEGORY,
    ) -> None:
        self.name = name
        self.model = model
        self._inner = inner
        self._min_score = min_score

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        """Fold `step` in and return the learned judgement when it matters (see module)."""
        state = session.scratch(self.name)
        tally, inner = _session(state, session)
        inner.steps.append(step)
        try:
            found = self._inner(inner, step)
            _observe(tally, step)
        except Exception as exc:  # noqa: BLE001 - a failure is reported, never a pass
            return _failure(self.name, step, exc)
        if found is not None:
            tally.observe_finding(found)
        vector = tally.vector()
        score = self.model.score(vector)
        peak = float(state.get("peak", 0.0))
        if found is None and score <= peak:
            return None
        state["peak"] = max(peak, score)
        if score < self._min_score:
            return None
        return Finding(
            self.name,
            score,
            INTEGRITY_CATEGORY,
            self.model.severity(score),
            self._explain(score, vector, tally),
            evidence_ids(tally.evidence, step.event.id),
        )

    def features(self, session: SessionView) -> dict[str, float]:
        """Return the session's current feature values (the empty tally's before any step)."""
        tally, _ = _session(session.scratch(self.name), session)
        return tally.vector()

    def _explain(self, score: float, vector: dict[str, float], tally: IntegrityTally) -> str:
        words = self.model.strongest(vector, INTEGRITY_DESCRIPTIONS, _TOP)
        found = sorted(tally.category_max.items(), key=lambda item: (-item[1], item[0]))
        rules = ", ".join(f"{category} {top:.2f}" for category, top in found[:_TOP])
        return (
            f"learned integrity score {score:.2f} over {tally.calls} calls and {tally.runs} test"
            f" runs (rules: {rules or 'no finding'}); strongest signals: "
            + ("; ".join(words) or "none")
        )


def _observe(tally: IntegrityTally, step: Step) -> None:
    event = step.event
    if isinstance(event, ToolCall):
        args = event.args if isinstance(event.args, dict) else {}
        tally.observe_call(str(event.tool), args, step.action)
    elif isinstance(event, ToolResult):
        tally.observe_result(event.output, bool(event.is_error))
    elif isinstance(event, Message) and event.role == "assistant" and isinstance(event.text, str):
        tally.observe_message(event.text)


def _session(state: dict[str, Any], session: SessionView) -> tuple[IntegrityTally, SessionView]:
    tally = state.get("tally")
    inner = state.get("view")
    task = session.task if isinstance(session.task, str) else None
    if not isinstance(tally, IntegrityTally) or not isinstance(inner, SessionView):
        tally = state["tally"] = IntegrityTally(allows_edits=task_allows_test_edits(task))
        inner = state["view"] = SessionView(session.deployment_id, session.session_id, task=task)
    elif inner.task != task:  # the task arrived (or grew) after the session's first step
        inner.task = task
        tally.allows_edits = task_allows_test_edits(task)
    return tally, inner


def _failure(name: str, step: Step, exc: Exception) -> Finding:
    return Finding(
        name,
        1.0,
        INTEGRITY_CATEGORY,
        Severity.HIGH,
        f"the integrity evidence could not be read on this step ({type(exc).__name__})",
        (step.event.id,),
        error=f"{type(exc).__name__}: {exc}"[:500],
    )
