"""Train the `rogue-learned` monitor's model from the repository's data and write its JSON.

Run from the repository root: ``python -m tools.train_rogue_learned`` writes
``src/watchkeeper/monitors/learned/rogue_model.json``; ``--check`` only compares the result
with the shipped file (exit 1 when they differ); ``--loso`` prints the leave-one-set-out table
(catalog alone vs learned, TPR at ≤ 2% FPR and AUROC per dev set) instead of writing.

Data: the hand-written dev sets ``tests/evals/data/rogue_dev*.jsonl`` and the shipped corpus
(``rogue.jsonl``/``variants.jsonl`` attacks, ``coding.jsonl`` and the benign sessions of
``assistant.jsonl``; its prompt-injection attacks are another threat and are left out). Each
session is replayed through the monitor's own feature tally, and the words of its calls are
read as the monitor reads them (`watchkeeper.monitors.learned._tokens.call_tokens`).

Two models are fitted. The words model (`tools._call_words`) judges single calls by their
words: rogue steps (`malicious_steps`) against honest sessions' calls, word weights bounded
at zero. The session model is a logistic regression over each session's final features, one
of which (`words`) is the highest words-model probability of any of its calls, cross-fitted
by set. A session is scored, as online, by the highest score of any prefix. Training is
deterministic (lbfgs and L-BFGS-B from zero, no sampling), and numbers are rounded before
they are written, so the same data, scikit-learn and SciPy give the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]  # no stubs

from tools._call_words import Call, fit_call_words
from watchkeeper.evals import auroc, load_trajectories, replay_trajectory, tpr_at_fpr
from watchkeeper.events import ToolCall
from watchkeeper.monitors import Finding, SessionView, Step
from watchkeeper.monitors.catalog import rogue_precursors
from watchkeeper.monitors.learned import (
    ROGUE_FEATURES,
    ROGUE_MODEL_PATH,
    RogueLearned,
    RogueModel,
)
from watchkeeper.monitors.learned._tokens import CallWords, call_tokens
from watchkeeper.normalize import Normalizer

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "evals" / "data"
CORPUS = ROOT / "src" / "watchkeeper" / "evals" / "corpus"
#: The dev sets, in the order they were written. rogue_dev10 to rogue_dev18 were each measured
#: once as the final held-out set (docs/monitors.md) before the shipped model was trained on
#: them too.
DEV_SETS = tuple(f"rogue_dev{n}.jsonl" if n > 1 else "rogue_dev.jsonl" for n in range(1, 28))
#: Corpus files and which labels of each are used.
CORPUS_FILES = {
    "rogue.jsonl": ("attack",),
    "variants.jsonl": ("attack",),
    "coding.jsonl": ("benign",),
    "assistant.jsonl": ("benign",),
}
#: Inverse L2 strength, chosen by leave-one-set-out over rogue_dev1-8 (see docs/monitors.md).
C = 0.3
#: The words model's inverse L2 strength and how many training sessions must use a word for
#: it to be kept; chosen by leave-one-set-out on rogue_dev9 and rogue_dev10, the two sets the
#: catalog was never tuned on.
C_WORDS = 1.0
MIN_SESSIONS = 2
FPR = 0.02
_DIGITS = 6
#: Features read from the monitor's tally; `words` is computed here from the words model.
_FEATURES = tuple(name for name in ROGUE_FEATURES if name != "words")


@dataclass(frozen=True, slots=True)
class Session:
    """One replayed session: its set, label, catalog score, features after each step, and for
    each step the words of its call (None: not a call) and whether that call is a rogue step
    (None: an attack's other call)."""

    group: str
    label: int
    catalog: float
    steps: NDArray[np.float64]
    words: tuple[frozenset[str] | None, ...]
    rogue: tuple[bool | None, ...]

    def calls(self) -> list[Call]:
        """The session's calls, as the words model is trained on them."""
        return [(w, r) for w, r in zip(self.words, self.rogue, strict=True) if w is not None]


class _Recorder:
    """Runs the learned monitor (with any model) and keeps the features after each step."""

    def __init__(self, monitor: RogueLearned, label: str, malicious: frozenset[int]) -> None:
        self.name = "recorder"
        self.monitor = monitor
        self.attack = label == "attack"
        self.malicious = malicious
        self.rows: list[list[float]] = []
        self.words: list[frozenset[str] | None] = []
        self.rogue: list[bool | None] = []
        self.calls = 0
        self.catalog = 0.0

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        self.monitor(session, step)
        values = self.monitor.features(session)
        self.rows.append([values[name] for name in _FEATURES])
        event = step.event
        if step.action is not None and isinstance(event, ToolCall):
            rogue = self.calls in self.malicious
            self.words.append(call_tokens(event.tool, event.args))
            self.rogue.append(rogue if rogue or not self.attack else None)
            self.calls += 1
        else:
            self.words.append(None)
            self.rogue.append(None)
        self.catalog = values["catalog"]
        return None


def collect(path: Path, labels: Sequence[str], group: str) -> list[Session]:
    """Replay every session of `path` whose label is in `labels`."""
    normalizer = Normalizer()
    blank = RogueModel({}, {}, {}, 0.0, 1.0)
    sessions: list[Session] = []
    for trajectory in load_trajectories([path]):
        if trajectory.label not in labels:
            continue
        malicious = frozenset(trajectory.malicious_steps or ())
        recorder = _Recorder(
            RogueLearned(blank, rogue_precursors()), trajectory.label or "", malicious
        )
        replay_trajectory(trajectory, normalizer=normalizer, policy=None, monitors=[recorder])
        rows = recorder.rows or [[0.0] * len(_FEATURES)]
        words = tuple(recorder.words) or (None,)
        rogue = tuple(recorder.rogue) or (None,)
        label = int(trajectory.label == "attack")
        catalog = recorder.catalog
        sessions.append(Session(group, label, catalog, np.array(rows), words, rogue))
    return sessions


def collect_all() -> list[Session]:
    """Replay every dev set and the corpus files used for training."""
    sessions: list[Session] = []
    for name in DEV_SETS:
        sessions += collect(DEV / name, ("benign", "attack"), name)
    for name, labels in CORPUS_FILES.items():
        sessions += collect(CORPUS / name, labels, "corpus")
    return sessions


def fit(sessions: Iterable[Session], c: float = C, *, words: bool = True) -> RogueModel:
    """Fit the standardised, L2-regularised logistic model on the sessions' final features.

    With `words`, the words model is fitted on all of `sessions`, and the session model's
    `words` feature is cross-fitted: each set's sessions get it from a words model trained
    without that set, so the session model learns how far the words model is right on
    sessions it has not seen.
    """
    chosen = list(sessions)
    call_words = _call_words(chosen) if words else None
    column = _cross_fitted(chosen) if words else [np.zeros(len(s.steps)) for s in chosen]
    x = np.array([[*s.steps[-1], col[-1]] for s, col in zip(chosen, column, strict=True)])
    y = np.array([s.label for s in chosen])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit((x - mean) / scale, y)
    names = (*_FEATURES, "words")
    weights = {n: _round(w) for n, w in zip(names, model.coef_[0], strict=True)}
    means = {n: _round(m) for n, m in zip(names, mean, strict=True)}
    scales = {n: _round(s) for n, s in zip(names, scale, strict=True)}
    fitted = RogueModel(weights, means, scales, _round(model.intercept_[0]), 1.0, call_words)
    benign = [session_score(fitted, s) for s in chosen if not s.label]
    threshold = _round(_threshold(benign))
    return RogueModel(weights, means, scales, fitted.bias, threshold, call_words)


def _call_words(sessions: Sequence[Session]) -> CallWords:
    calls = [s.calls() for s in sessions]
    return fit_call_words(calls, C_WORDS, MIN_SESSIONS, _DIGITS)


def _cross_fitted(sessions: Sequence[Session]) -> list[NDArray[np.float64]]:
    """Each session's `words` feature after each step, from a words model without its set."""
    columns: dict[int, NDArray[np.float64]] = {}
    for group in sorted({s.group for s in sessions}):
        others = _call_words([s for s in sessions if s.group != group])
        for i, session in enumerate(sessions):
            if session.group == group:
                columns[i] = _words_column(others, session)
    return [columns[i] for i in range(len(sessions))]


def _words_column(call_words: CallWords | None, session: Session) -> NDArray[np.float64]:
    """The `words` feature after each step: the highest call probability so far."""
    best, column = 0.0, []
    for words in session.words:
        if words is not None and call_words is not None:
            best = max(best, call_words.probability(call_words.weighed(words)))
        column.append(best)
    return np.array(column)


def session_score(model: RogueModel, session: Session) -> float:
    """Return the highest score `model` gives any prefix of `session` (as online)."""
    column = _words_column(model.call_words, session)
    return max(
        model.score(dict(zip(_FEATURES, row, strict=True)) | {"words": float(words)})
        for row, words in zip(session.steps, column, strict=True)
    )


def loso(sessions: Sequence[Session], held: Sequence[str], c: float = C) -> list[str]:
    """Return table rows: each of `held` scored by models trained without it (without and
    with words)."""
    rows = []
    for name in held:
        test = [s for s in sessions if s.group == name]
        rest = [s for s in sessions if s.group != name]
        models = [fit(rest, c, words=w) for w in (False, True)]
        scored = [[session_score(model, s) for s in test] for model in models]
        rows.append(_row(name, test, scored))
    return rows


def to_json(model: RogueModel) -> str:
    """Return the model file's text."""
    data = {
        "model": "logistic regression over standardised features (tools/train_rogue_learned.py)",
        "c": C,
        "bias": model.bias,
        "threshold": model.threshold,
        "c_words": C_WORDS,
        "min_sessions": MIN_SESSIONS,
        "features": {
            name: {
                "weight": model.weights[name],
                "mean": model.means[name],
                "scale": model.scales[name],
            }
            for name in ROGUE_FEATURES
        },
        "call_words": {
            "bias": model.call_words.bias if model.call_words else 0.0,
            "tokens": dict(model.call_words.weights) if model.call_words else {},
        },
    }
    return json.dumps(data, indent=2, sort_keys=False) + "\n"


def _row(name: str, test: Sequence[Session], learned: Sequence[Sequence[float]]) -> str:
    counts = f"{sum(s.label for s in test)}/{sum(not s.label for s in test)}"
    cells = [_cells(test, scores) for scores in ([s.catalog for s in test], *learned)]
    return f"| {name} | {counts} | {' | '.join(cells)} |"


def _cells(test: Sequence[Session], scores: Sequence[float]) -> str:
    benign = [v for v, s in zip(scores, test, strict=True) if not s.label]
    attack = [v for v, s in zip(scores, test, strict=True) if s.label]
    low, high = tpr_at_fpr(benign, attack, FPR), tpr_at_fpr(benign, attack, 0.05)
    return f"{_pct(low)} | {_pct(high)} | {_num(auroc(benign, attack))}"


def _threshold(benign: Sequence[float]) -> float:
    ranked = sorted(benign, reverse=True)
    allowed = int(FPR * len(ranked) + 1e-9)
    return ranked[allowed] if allowed < len(ranked) else 0.0


def _round(value: float) -> float:
    return round(float(value), _DIGITS)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write (or check, or print the LOSO table)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    parser.add_argument("--loso", action="store_true", help="print the leave-one-set-out table")
    parser.add_argument("--out", type=Path, default=ROGUE_MODEL_PATH)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sessions = collect_all()
    print(f"replayed {len(sessions)} sessions in {time.perf_counter() - started:.1f} s")
    if args.loso:
        print(
            "| held-out set | attacks/benign | catalog TPR@2% | TPR@5% | AUROC "
            "| learned, no words TPR@2% | TPR@5% | AUROC | learned TPR@2% | TPR@5% | AUROC |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(loso(sessions, DEV_SETS)))
        return 0
    started = time.perf_counter()
    text = to_json(fit(sessions))
    print(f"trained in {time.perf_counter() - started:.2f} s")
    if args.check:
        same = args.out.read_text(encoding="utf-8") == text
        print("the shipped model is up to date" if same else f"`{args.out}` differs; retrain")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
