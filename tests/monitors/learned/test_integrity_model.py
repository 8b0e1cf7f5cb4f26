"""The learned integrity scorer's model: logistic weights read from JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from watchkeeper.monitors.learned._integrity_features import INTEGRITY_FEATURES
from watchkeeper.monitors.learned._integrity_model import (
    IntegrityModel,
    IntegrityModelError,
    load_integrity_model,
)


def _model() -> IntegrityModel:
    return IntegrityModel(
        {"a": 2.0, "b": -1.0}, {"a": 1.0, "b": 0.0}, {"a": 2.0, "b": 1.0}, 0.5, 0.7
    )


def test_score_is_the_sigmoid_of_standardised_terms() -> None:
    """The score is sigmoid(bias + sum of w * (x - mean) / scale)."""
    logit = 0.5 + 2.0 * (3.0 - 1.0) / 2.0 - 1.0 * 1.0
    assert math.isclose(_model().score({"a": 3.0, "b": 1.0}), 1 / (1 + math.exp(-logit)))


def test_non_finite_values_count_as_zero() -> None:
    """A NaN or infinite feature value is read as 0 rather than poisoning the score."""
    model = _model()
    assert model.score({"a": math.nan, "b": math.inf}) == model.score({"a": 0.0, "b": 0.0})


def test_shipped_model_weighs_every_feature() -> None:
    """The shipped JSON loads and holds a weight for every feature the tally produces."""
    assert set(load_integrity_model().weights) == set(INTEGRITY_FEATURES)


def test_missing_file_is_a_model_error(tmp_path: Path) -> None:
    """A model file that does not exist raises `IntegrityModelError` naming it."""
    with pytest.raises(IntegrityModelError, match="cannot be read"):
        load_integrity_model(tmp_path / "absent.json")


@pytest.mark.parametrize(
    "data",
    [
        {"features": {}},
        {"features": {"a": {"weight": 1.0}}, "bias": 0.0, "threshold": 0.5},
        {"features": {"a": {"weight": "NaN", "mean": 0, "scale": 1}}, "bias": 0, "threshold": 0},
        ["not", "a", "model"],
    ],
)
def test_malformed_file_is_a_model_error(tmp_path: Path, data: object) -> None:
    """A file missing a field, or holding a non-finite number, raises `IntegrityModelError`."""
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(IntegrityModelError, match="malformed"):
        load_integrity_model(path)
