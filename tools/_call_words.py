"""Fit `CallWords`, the model of single calls' words used by `rogue-learned`.

Each call is a bag of its words (`call_tokens`). The rogue steps of attack sessions (their
`malicious_steps`) are the positives; every call of honest sessions is a negative; the other
calls of attack sessions are left out (they are often ordinary work). The fit is an L2
logistic regression with balanced classes whose word weights are bounded at zero (L-BFGS-B
from zero: deterministic), so a word can only raise a call's score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize  # type: ignore[import-untyped]  # no stubs
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # no stubs

from watchkeeper.monitors.learned._tokens import CallWords

__all__ = ["Call", "fit_call_words"]

#: One call: its words, and whether it is a rogue step (None: an attack's other call, unused).
Call = tuple[frozenset[str], bool | None]


def fit_call_words(
    sessions: Sequence[Sequence[Call]], c: float, min_sessions: int, digits: int
) -> CallWords:
    """Fit on the calls of `sessions`; words used by fewer than `min_sessions` are dropped."""
    vocabulary = _vocabulary(sessions, min_sessions)
    rows: list[int] = []
    cols: list[int] = []
    labels: list[float] = []
    for calls in sessions:
        for words, rogue in calls:
            if rogue is None:
                continue
            known = [vocabulary[w] for w in words if w in vocabulary]
            rows.extend([len(labels)] * len(known))
            cols.extend(known)
            labels.append(1.0 if rogue else 0.0)
    bag = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(labels), len(vocabulary)))
    weights, bias = _bounded_logistic(bag, np.array(labels), c)
    kept = {
        word: round(float(w), digits)
        for word, w in zip(vocabulary, weights, strict=True)
        if round(float(w), digits) > 0.0
    }
    return CallWords(round(bias, digits), dict(sorted(kept.items())))


def _vocabulary(sessions: Sequence[Sequence[Call]], min_sessions: int) -> dict[str, int]:
    used: dict[str, int] = {}
    for calls in sessions:
        for word in frozenset().union(*(words for words, _ in calls)):
            used[word] = used.get(word, 0) + 1
    kept = sorted(word for word, n in used.items() if n >= min_sessions)
    return {word: i for i, word in enumerate(kept)}


def _bounded_logistic(
    x: csr_matrix, y: NDArray[np.float64], c: float
) -> tuple[NDArray[np.float64], float]:
    n, d = x.shape
    positives = max(float(y.sum()), 1.0)
    balance = np.where(y == 1, n / (2 * positives), n / (2 * max(n - positives, 1.0)))
    signs = 2 * y - 1

    def loss(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        w, b = theta[:d], theta[d]
        margin = signs * (x @ w + b)
        grad = -signs * balance / (1 + np.exp(margin))
        value = np.sum(balance * np.logaddexp(0, -margin)) + 0.5 * (w @ w) / c
        return float(value), np.append(x.T @ grad + w / c, grad.sum())

    result = minimize(
        loss,
        np.zeros(d + 1),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, None)] * d + [(None, None)],
        options={"maxiter": 10_000},
    )
    return result.x[:d], float(result.x[d])
