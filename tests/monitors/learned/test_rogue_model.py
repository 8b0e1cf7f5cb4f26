"""The learned rogue scorer's model file and arithmetic."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from watchkeeper.monitors.learned import (
    ROGUE_FEATURES,
    ROGUE_MODEL_PATH,
    RogueModel,
    RogueModelError,
    load_rogue_model,
)


def _model() -> RogueModel:
    return RogueModel({"a": 2.0, "b": -1.0}, {"a": 1.0, "b": 0.0}, {"a": 2.0, "b": 1.0}, 0.5, 0.9)


def test_score_is_sigmoid_of_standardised_sum() -> None:
    """The score is the sigmoid of the bias plus each weight times the standardised value."""
    logit = 0.5 + 2.0 * (3.0 - 1.0) / 2.0 - 1.0 * 1.0
    assert _model().score({"a": 3.0, "b": 1.0}) == pytest.approx(1 / (1 + math.exp(-logit)))


def test_missing_unknown_and_non_finite_features_count_as_zero() -> None:
    """Absent, unknown and non-finite feature values are read as 0."""
    model = _model()
    expected = model.score({"a": 0.0, "b": 0.0})
    assert model.score({}) == expected
    assert model.score({"zzz": 5.0, "a": math.nan, "b": math.inf}) == expected


def test_extreme_logits_stay_in_range() -> None:
    """Huge feature values give a score inside [0, 1] without overflow."""
    model = _model()
    assert model.score({"a": 1e300}) == pytest.approx(1.0)
    assert model.score({"a": -1e300}) == pytest.approx(0.0)


def test_shipped_model_covers_every_feature() -> None:
    """The shipped JSON has a weight, mean and positive scale for each feature."""
    model = load_rogue_model()
    assert set(model.weights) == set(ROGUE_FEATURES)
    assert all(model.scales[name] > 0 for name in ROGUE_FEATURES)
    assert 0.0 < model.threshold < 1.0


def test_malformed_file_raises_model_error(tmp_path: Path) -> None:
    """A file without the expected fields raises `RogueModelError` naming it."""
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"features": {"a": {"weight": 1}}}))
    with pytest.raises(RogueModelError, match=r"m\.json"):
        load_rogue_model(path)


def test_non_finite_weight_raises_model_error(tmp_path: Path) -> None:
    """A weight that is not finite is rejected."""
    path = tmp_path / "m.json"
    entry = {"weight": "nan", "mean": 0, "scale": 1}
    path.write_text(json.dumps({"features": {"a": entry}, "bias": 0, "threshold": 0.5}))
    with pytest.raises(RogueModelError, match="not finite"):
        load_rogue_model(path)


def test_missing_file_raises_model_error(tmp_path: Path) -> None:
    """A missing file raises `RogueModelError`, not `OSError`."""
    with pytest.raises(RogueModelError, match="cannot be read"):
        load_rogue_model(tmp_path / "absent.json")


def test_negative_token_weight_raises_model_error(tmp_path: Path) -> None:
    """A model file whose word table holds a negative weight is refused, naming the trainer."""
    data = json.loads(ROGUE_MODEL_PATH.read_text(encoding="utf-8"))
    data["call_words"] = {"bias": 0.0, "tokens": {"pytest": -3.0}}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RogueModelError, match="train_rogue_learned"):
        load_rogue_model(path)
