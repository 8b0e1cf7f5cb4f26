"""A learned scorer's model: a standardised logistic regression read from JSON.

Each model is trained offline by a script under ``tools/`` and shipped beside these modules
as JSON (plain numbers, no pickles). Scoring is a dot product in pure Python, so the
monitors need no numerical library at run time. A model may also hold a model of single
calls' words (`CallWords`), whose highest score over a session's calls the monitor feeds in
as a feature of its own.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchkeeper.events import Severity
from watchkeeper.monitors.learned._tokens import CallWords

__all__ = ["LinearModel", "LinearModelError", "evidence_ids", "read_linear_model"]

_MAX_LOGIT = 60.0


class LinearModelError(ValueError):
    """A model file is missing or malformed; retrain it or point at another file."""


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Weights over standardised features: ``sigmoid(bias + sum of w * (x - mean) / scale)``.

    `threshold` is the score the training script suggests for review (the share of training
    benign sessions it flags is in the model's docs), not used for scoring. `call_words`
    judges single calls by their words (None for models without it).
    """

    weights: Mapping[str, float]
    means: Mapping[str, float]
    scales: Mapping[str, float]
    bias: float
    threshold: float
    call_words: CallWords | None = None

    def contributions(self, vector: Mapping[str, float]) -> dict[str, float]:
        """Return each weighted feature's term of the logit (features absent count as 0)."""
        terms: dict[str, float] = {}
        for name, weight in self.weights.items():
            value = vector.get(name, 0.0)
            if not isinstance(value, int | float) or not math.isfinite(value):
                value = 0.0
            scale = self.scales.get(name, 1.0) or 1.0
            terms[name] = weight * (value - self.means.get(name, 0.0)) / scale
        return terms

    def score(self, vector: Mapping[str, float]) -> float:
        """Return the model's suspicion in [0, 1] for `vector`."""
        logit = self.bias
        for name, weight in self.weights.items():
            value = vector.get(name, 0.0)
            if type(value) is not float or not math.isfinite(value):
                return _sigmoid(self.bias + sum(self.contributions(vector).values()))
            logit += weight * (value - self.means.get(name, 0.0)) / (self.scales.get(name) or 1.0)
        return _sigmoid(logit)

    def strongest(
        self, vector: Mapping[str, float], descriptions: Mapping[str, str], top: int
    ) -> list[str]:
        """Describe the `top` features that moved the score most, in words, with their terms."""
        terms = self.contributions(vector)
        ranked = sorted(terms.items(), key=lambda item: (-abs(item[1]), item[0]))
        return [
            f"{descriptions.get(name, name)} = {vector.get(name, 0.0):.2f} ({term:+.2f})"
            for name, term in ranked[:top]
            if term
        ]

    def severity(self, score: float) -> Severity:
        """The severity of a finding scoring `score`: high from the review threshold up."""
        if score >= max(self.threshold, 0.5):
            return Severity.HIGH
        if score >= 0.5:
            return Severity.MEDIUM
        if score >= 0.2:
            return Severity.LOW
        return Severity.INFO


def evidence_ids(evidence: Mapping[str, Iterable[str]], event_id: str) -> tuple[str, ...]:
    """The event ids behind every group of findings (in group order), then `event_id`."""
    ids: list[str] = []
    for group in sorted(evidence):
        ids.extend(evidence[group])
    ids.append(event_id)
    return tuple(dict.fromkeys(ids))


def read_linear_model(
    path: Path, *, what: str, trainer: str, error: type[LinearModelError]
) -> LinearModel:
    """Read the `what` model at `path`; raise `error` (naming `trainer`) when malformed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise error(f"{what} model `{path}` cannot be read ({exc}); run {trainer}") from exc
    try:
        return _model(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise error(
            f"{what} model `{path}` is malformed ({type(exc).__name__}: {exc}); run {trainer}"
        ) from exc


def _model(data: Any) -> LinearModel:
    features = data["features"]
    weights = {str(name): float(entry["weight"]) for name, entry in features.items()}
    means = {str(name): float(entry["mean"]) for name, entry in features.items()}
    scales = {str(name): float(entry["scale"]) for name, entry in features.items()}
    numbers = [*weights.values(), *means.values(), *scales.values()]
    bias, threshold = float(data["bias"]), float(data["threshold"])
    if not all(math.isfinite(n) for n in (*numbers, bias, threshold)):
        raise ValueError("a weight, mean, scale, the bias or the threshold is not finite")
    words = CallWords.read(data.get("call_words"))
    return LinearModel(weights, means, scales, bias, threshold, words)


def _sigmoid(logit: float) -> float:
    logit = min(max(logit, -_MAX_LOGIT), _MAX_LOGIT)
    return 1.0 / (1.0 + math.exp(-logit))
