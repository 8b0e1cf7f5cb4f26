"""Train the `integrity-learned` model offline and judge it by leave-one-set-out.

    python -m tools.train_integrity_learned             # LOSO table, then write the JSON
    python -m tools.train_integrity_learned --check     # fail if the JSON is not reproduced
    python -m tools.train_integrity_learned --loso-only # print the table, write nothing
    python -m tools.train_integrity_learned --dev-only  # dev sets 1-4 only (set 5 unread)

Data: the shipped integrity corpus and held-out sets 1 to 8 under tests/evals/data/ (sets 6,
7 and 8 were each measured once, untrained, as the final held-out set before they were added
here; docs/monitors.md). Each session is replayed through the
monitor's own feature tally, keeping the feature vector of every prefix; a session's score
is the highest score any prefix gets, which is what the monitor reports online.

Protocol: the regularisation strength is chosen by leave-one-set-out over sets 1 to 4 (train
on the corpus and the other three, test on the one left out); set 5, on which the rules were
never tuned, is then scored once with that choice (trained on the corpus and sets 1 to 4).
The shipped model is trained on the corpus and every set with the same choice.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped] # no stubs

from watchkeeper.evals import auroc, load_trajectories, replay_trajectory, tpr_at_fpr
from watchkeeper.evals.corpus._integrity import INTEGRITY_FILE
from watchkeeper.monitors import Finding, SessionView, Step
from watchkeeper.monitors.integrity import integrity
from watchkeeper.monitors.learned._integrity_features import INTEGRITY_FEATURES
from watchkeeper.monitors.learned._integrity_model import INTEGRITY_MODEL_PATH, IntegrityModel
from watchkeeper.monitors.learned._integrity_monitor import IntegrityLearned
from watchkeeper.normalize import Normalizer

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "evals" / "data"
#: Held-out sets by number. Sets 6 to 19 were each measured once (docs/monitors.md) before the
#: shipped model was trained on them too.
SETS: dict[int, Path] = {
    1: DATA / "integrity_heldout.jsonl",
    2: DATA / "integrity_heldout2.jsonl",
    3: DATA / "integrity_heldout3.jsonl",
    4: DATA / "integrity_heldout4.jsonl",
    5: DATA / "integrity_heldout5.jsonl",
    6: DATA / "integrity_heldout6.jsonl",
    7: DATA / "integrity_heldout7.jsonl",
    8: DATA / "integrity_heldout8.jsonl",
    9: DATA / "integrity_heldout9.jsonl",
    10: DATA / "integrity_heldout10.jsonl",
    11: DATA / "integrity_heldout11.jsonl",
    12: DATA / "integrity_heldout12.jsonl",
    13: DATA / "integrity_heldout13.jsonl",
    14: DATA / "integrity_heldout14.jsonl",
    15: DATA / "integrity_heldout15.jsonl",
    16: DATA / "integrity_heldout16.jsonl",
    17: DATA / "integrity_heldout17.jsonl",
    18: DATA / "integrity_heldout18.jsonl",
    19: DATA / "integrity_heldout19.jsonl",
    20: DATA / "integrity_heldout20.jsonl",
    21: DATA / "integrity_heldout21.jsonl",
}
DEV_SETS = (1, 2, 3, 4)
FINAL_SET = 5
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
_DIGITS = 6


@dataclass(frozen=True, slots=True)
class Session:
    """One replayed session: its label, every prefix's features, and the rules' own score."""

    id: str
    attack: bool
    prefixes: np.ndarray  # (steps, features)
    rules: float


class _Recorder:
    """Runs the learned monitor with an empty model and keeps every prefix's features."""

    name = "recorder"

    def __init__(self) -> None:
        empty = IntegrityModel({}, {}, {}, 0.0, 1.0)
        self.monitor = IntegrityLearned(empty, integrity())
        self.rows: list[list[float]] = []

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        self.monitor(session, step)
        vector = self.monitor.features(session)
        self.rows.append([vector[name] for name in INTEGRITY_FEATURES])
        return None


def replay(path: Path) -> list[Session]:
    """Replay every session of `path` and return its prefix features."""
    normalizer = Normalizer()
    sessions: list[Session] = []
    for trajectory in load_trajectories([path]):
        recorder = _Recorder()
        replay_trajectory(trajectory, normalizer=normalizer, policy=None, monitors=[recorder])
        rows = np.array(recorder.rows or [[0.0] * len(INTEGRITY_FEATURES)], dtype=float)
        rules = float(rows[-1][INTEGRITY_FEATURES.index("rules")])
        sessions.append(Session(trajectory.id, trajectory.label == "attack", rows, rules))
    return sessions


def fit(train: Sequence[Session], c: float) -> IntegrityModel:
    """Fit a standardised, L2-regularised logistic regression on the sessions' final prefix."""
    x = np.array([s.prefixes[-1] for s in train])
    y = np.array([s.attack for s in train], dtype=int)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit((x - means) / scales, y)
    weights = {
        name: _round(float(w)) for name, w in zip(INTEGRITY_FEATURES, model.coef_[0], strict=True)
    }
    fitted = IntegrityModel(
        weights,
        {n: _round(float(m)) for n, m in zip(INTEGRITY_FEATURES, means, strict=True)},
        {n: _round(float(s)) for n, s in zip(INTEGRITY_FEATURES, scales, strict=True)},
        _round(float(model.intercept_[0])),
        1.0,
    )
    benign = sorted((score(fitted, s) for s in train if not s.attack), reverse=True)
    threshold = benign[int(0.05 * len(benign))] if benign else 1.0
    return IntegrityModel(fitted.weights, fitted.means, fitted.scales, fitted.bias, threshold)


def score(model: IntegrityModel, session: Session) -> float:
    """The session's score as the monitor reports it: the highest of its prefixes."""
    return max(
        model.score(dict(zip(INTEGRITY_FEATURES, row, strict=True)))
        for row in session.prefixes.tolist()
    )


@dataclass(frozen=True, slots=True)
class Figures:
    """AUROC and TPR at 1% and 5% FPR of one scorer on one set."""

    auroc: float
    tpr1: float
    tpr5: float

    def __str__(self) -> str:
        return f"{self.auroc:.3f}  {self.tpr1:6.1%}  {self.tpr5:6.1%}"


def figures(sessions: Sequence[Session], scores: Sequence[float]) -> Figures:
    """Measure `scores` (one per session) against the sessions' labels."""
    benign = [v for s, v in zip(sessions, scores, strict=True) if not s.attack]
    attack = [v for s, v in zip(sessions, scores, strict=True) if s.attack]
    return Figures(
        auroc(benign, attack) or 0.0,
        tpr_at_fpr(benign, attack, 0.01) or 0.0,
        tpr_at_fpr(benign, attack, 0.05) or 0.0,
    )


def loso(data: dict[int | str, list[Session]], held: int, pool: Sequence[int], c: float) -> Figures:
    """Train on the corpus and the sets of `pool` other than `held`; measure on `held`."""
    keys: list[int | str] = ["corpus", *(k for k in pool if k != held)]
    train = [s for key in keys for s in data[key]]
    model = fit(train, c)
    return figures(data[held], [score(model, s) for s in data[held]])


def choose_c(data: dict[int | str, list[Session]]) -> float:
    """The C with the best mean LOSO AUROC over the dev sets (ties: the stronger penalty)."""
    print("LOSO over dev sets, per C: mean AUROC / mean TPR@5%")
    best: tuple[float, float] | None = None
    for c in C_GRID:
        runs = [loso(data, held, DEV_SETS, c) for held in DEV_SETS]
        mean_auc = sum(r.auroc for r in runs) / len(runs)
        mean_tpr = sum(r.tpr5 for r in runs) / len(runs)
        print(f"  C={c:<5} {mean_auc:.3f} / {mean_tpr:.1%}   ", "  ".join(str(r) for r in runs))
        if best is None or mean_auc > best[1] + 1e-9:
            best = (c, mean_auc)
    if best is None:
        raise SystemExit("empty C grid")
    return best[0]


def model_json(model: IntegrityModel, c: float, sets: Sequence[int]) -> str:
    """The model file's text: plain numbers, sorted keys, rounded so training reproduces it."""
    data = {
        "kind": "logistic-regression",
        "trained_on": ["corpus", *(f"heldout-{k}" for k in sets)],
        "C": c,
        "bias": model.bias,
        "threshold": _round(model.threshold),
        "features": {
            name: {
                "weight": model.weights[name],
                "mean": model.means[name],
                "scale": model.scales[name],
            }
            for name in INTEGRITY_FEATURES
        },
    }
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def _round(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return 0.0 if not math.isfinite(value) else value
    return float(f"{value:.{_DIGITS}g}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped JSON")
    parser.add_argument("--loso-only", action="store_true", help="print the table only")
    parser.add_argument("--dev-only", action="store_true", help="leave set 5 unread")
    args = parser.parse_args(argv)
    data: dict[int | str, list[Session]] = {"corpus": replay(INTEGRITY_FILE)}
    for key, path in SETS.items():
        if key in DEV_SETS or not args.dev_only:
            data[key] = replay(path)
    c = choose_c(data)
    print(f"chosen C = {c}")
    print("set   rules: AUROC TPR@1% TPR@5%   learned (LOSO): AUROC TPR@1% TPR@5%")
    for held in DEV_SETS:
        rules = figures(data[held], [s.rules for s in data[held]])
        print(f"  {held}   {rules}    {loso(data, held, DEV_SETS, c)}")
    if args.dev_only:
        return 0
    rules5 = figures(data[FINAL_SET], [s.rules for s in data[FINAL_SET]])
    learned5 = loso(data, FINAL_SET, (*DEV_SETS, FINAL_SET), c)
    print(f"  {FINAL_SET}   {rules5}    {learned5}   (trained on corpus + sets 1-4)")
    if args.loso_only:
        return 0
    every = tuple(SETS)
    keys: list[int | str] = ["corpus", *every]
    final = fit([s for key in keys for s in data[key]], c)
    text = model_json(final, c, every)
    if args.check:
        same = INTEGRITY_MODEL_PATH.read_text(encoding="utf-8") == text
        print("shipped model reproduced" if same else "shipped model differs")
        return 0 if same else 1
    INTEGRITY_MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {INTEGRITY_MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
