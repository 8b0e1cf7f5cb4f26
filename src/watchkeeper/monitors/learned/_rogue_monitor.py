"""The `rogue-learned` monitor: the catalog's evidence for a whole session, weighed by a model.

It runs its own rogue-precursor catalog on every step (on a private view of the session, so
its state never mixes with a `rogue-precursors` monitor configured beside it), folds each
finding, each action and the weighed words of each call into a `RogueTally`, and scores the
session so far with the shipped logistic model. A finding is returned when the catalog matched
this step or the session's learned score reached a new high; its explanation names the
features that pushed it most and the heaviest words.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from watchkeeper.events import Reasoning, ToolCall
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.monitors._registry import opt_in
from watchkeeper.monitors.catalog import rogue_precursors
from watchkeeper.monitors.learned._linear import evidence_ids
from watchkeeper.monitors.learned._rogue_features import ROGUE_DESCRIPTIONS, RogueTally
from watchkeeper.monitors.learned._rogue_model import (
    ROGUE_MODEL_PATH,
    RogueModel,
    RogueModelError,
    load_rogue_model,
)
from watchkeeper.monitors.learned._tokens import call_tokens

__all__ = ["CATEGORY", "RogueLearned", "rogue_learned"]

#: The one category the monitor reports under, so sessions are scored by its maximum.
CATEGORY = "rogue-learned"
_TOP = 3


@opt_in
def rogue_learned(
    *,
    model_path: str | None = None,
    allowed_hosts: Sequence[str] = (),
    allowed_buckets: Sequence[str] = (),
    self_repos: Sequence[str] = (),
    home: str | None = None,
    min_score: float = 0.0,
) -> Monitor:
    """Return the learned rogue-precursor scorer.

    `model_path` replaces the shipped model (a JSON file written by
    ``tools/train_rogue_learned.py``); `allowed_hosts`, `allowed_buckets`, `self_repos` and
    `home` configure the inner catalog as for `rogue-precursors`; findings scoring below
    `min_score` are not returned.
    """
    if not 0.0 <= min_score <= 1.0:
        raise RogueModelError(f"`min_score` {min_score!r} is outside [0, 1]; pick one inside")
    model = load_rogue_model(Path(model_path) if model_path else ROGUE_MODEL_PATH)
    catalog = rogue_precursors(
        allowed_hosts=allowed_hosts,
        allowed_buckets=allowed_buckets,
        self_repos=self_repos,
        home=home,
    )
    return RogueLearned(model, catalog, min_score)


class RogueLearned:
    """Scores each step's session prefix; per-session state lives in the session's scratch."""

    __slots__ = ("_catalog", "_floor", "_min_score", "model", "name")

    def __init__(
        self, model: RogueModel, catalog: Monitor, min_score: float = 0.0, *, name: str = CATEGORY
    ) -> None:
        self.name = name
        self.model = model
        self._catalog = catalog
        self._min_score = min_score
        self._floor = model.score(RogueTally().vector())

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        """Fold `step` in and return the learned judgement when it matters (see module)."""
        state = session.scratch(self.name)
        tally, inner = _session(state, session)
        found = self._catalog(inner, step)
        event = step.event
        if step.action is not None:
            tally.observe_call(step.action, found)
            words = self.model.call_words
            if isinstance(event, ToolCall) and words is not None:
                weighed = words.weighed(call_tokens(event.tool, event.args))
                tally.observe_words(words.probability(weighed), weighed)
        elif isinstance(event, Reasoning) and isinstance(event.text, str):
            tally.observe_reasoning(event.text)
        else:
            # Messages and tool outputs feed the catalog's state only; no feature changes.
            return None
        vector = tally.vector()
        score = self.model.score(vector)
        # The empty session's score is the floor: only evidence above it is reported.
        peak = float(state.get("peak", self._floor))
        if found is None and score <= peak:
            return None
        state["peak"] = max(peak, score)
        if score < self._min_score:
            return None
        return Finding(
            self.name,
            score,
            CATEGORY,
            self.model.severity(score),
            self._explain(score, vector, tally),
            evidence_ids(tally.evidence, event.id),
        )

    def features(self, session: SessionView) -> dict[str, float]:
        """Return the session's current feature values (all zero before its first step)."""
        tally, _ = _session(session.scratch(self.name), session)
        return tally.vector()

    def _explain(self, score: float, vector: dict[str, float], tally: RogueTally) -> str:
        words = self.model.strongest(vector, ROGUE_DESCRIPTIONS, _TOP)
        families = sorted(tally.family_max.items(), key=lambda item: (-item[1], item[0]))
        catalog = ", ".join(f"{family} {top:.2f}" for family, top in families[:_TOP])
        said = ", ".join(f"`{token}`" for token in tally.heaviest)
        return (
            f"learned rogue score {score:.2f} over {tally.calls} calls"
            f" (catalog: {catalog or 'no finding'}); strongest signals: "
            + ("; ".join(words) or "none")
            + (f"; its most rogue-sounding call's heaviest words: {said}" if said else "")
        )


def _session(state: dict[str, Any], session: SessionView) -> tuple[RogueTally, SessionView]:
    tally = state.get("tally")
    inner = state.get("view")
    if not isinstance(tally, RogueTally) or not isinstance(inner, SessionView):
        task = session.task.lower() if isinstance(session.task, str) else ""
        tally = state["tally"] = RogueTally(task=task)
        inner = state["view"] = SessionView(
            session.deployment_id, session.session_id, task=session.task
        )
    elif inner.task != session.task:  # the task arrived (or grew) after the first step
        inner.task = session.task
        tally.task = session.task.lower() if isinstance(session.task, str) else ""
    return tally, inner
