"""The words of one tool call, and how likely a model finds a call with those words rogue.

A call's words are its tool's name and the words of every string in its arguments (the
command, paths, URLs, written content, ...), lower-cased, with each pair of neighbouring
words in one string. Training (``tools/train_rogue_learned.py``) and scoring read calls
through `call_tokens`, so the model sees online exactly the words it was trained on.

`CallWords` is a logistic model over one call's words, trained on the rogue steps of attack
sessions against every call of honest sessions. It judges each call on its own, so a long
honest session does not pile up evidence, and its word weights are never negative (the
training script bounds them at zero): words can only raise a call's score, so an agent cannot
lower it by padding a command with words the model links to honest work.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

__all__ = ["CallWords", "call_tokens"]

#: A word: a letter or underscore, then up to 40 letters, digits, `_`, `.` or `-`.
_WORD = re.compile(r"[a-z_][a-z0-9_.\-]{1,40}")
#: Characters read of one string value, and of all of one call's string values.
_MAX_STRING = 2_000
_MAX_CALL = 8_000
#: Nesting read in a call's arguments.
_MAX_DEPTH = 4
_MAX_LOGIT = 60.0


def call_tokens(tool: str, args: Mapping[str, Any]) -> frozenset[str]:
    """Return the words and neighbouring-word pairs of one call (see the module)."""
    tokens = {f"tool_{tool.lower()}"[:60]}
    budget = _MAX_CALL
    for value in _strings(args, _MAX_DEPTH):
        if budget <= 0:
            break
        text = value[: min(_MAX_STRING, budget)]
        budget -= len(text)
        words = _WORD.findall(text.lower())
        tokens.update(words)
        tokens.update(f"{a} {b}" for a, b in pairwise(words))
    return frozenset(tokens)


def _strings(value: Any, depth: int) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif depth <= 0:
        return
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item, depth - 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, depth - 1)


@dataclass(frozen=True, slots=True)
class CallWords:
    """``sigmoid(bias + sum of the weights of a call's known words)``; weights are >= 0."""

    bias: float
    weights: Mapping[str, float]

    @classmethod
    def read(cls, data: Any) -> CallWords | None:
        """Read the model file's `call_words` table (absent: None, the model reads no words)."""
        if data is None:
            return None
        if not isinstance(data, Mapping) or not isinstance(data.get("tokens"), Mapping):
            raise TypeError("`call_words` is not a table with a `tokens` table of word weights")
        bias = float(data["bias"])
        weights = {str(token): float(weight) for token, weight in data["tokens"].items()}
        if not math.isfinite(bias):
            raise ValueError("the `call_words` bias is not finite")
        if not all(math.isfinite(w) and w >= 0.0 for w in weights.values()):
            raise ValueError("a word weight is negative or not finite")
        return cls(bias, weights)

    def weighed(self, tokens: frozenset[str]) -> dict[str, float]:
        """Return the words of `tokens` that carry weight, with their weights."""
        weights = self.weights
        return {token: weights[token] for token in tokens if token in weights}

    def probability(self, weighed: Mapping[str, float]) -> float:
        """How likely a call whose weighed words are `weighed` is a rogue step, in [0, 1]."""
        logit = min(max(self.bias + math.fsum(weighed.values()), -_MAX_LOGIT), _MAX_LOGIT)
        return 1.0 / (1.0 + math.exp(-logit))
