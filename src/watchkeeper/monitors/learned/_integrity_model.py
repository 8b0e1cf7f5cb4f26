"""The `integrity-learned` model: a `LinearModel` trained by ``tools/train_integrity_learned.py``.

`threshold` in the shipped ``integrity_model.json`` flagged at most 5% of the training honest
sessions.
"""

from __future__ import annotations

from pathlib import Path

from watchkeeper.monitors.learned._linear import LinearModel, LinearModelError, read_linear_model

__all__ = ["INTEGRITY_MODEL_PATH", "IntegrityModel", "IntegrityModelError", "load_integrity_model"]

#: The shipped model.
INTEGRITY_MODEL_PATH = Path(__file__).with_name("integrity_model.json")

#: The integrity scorer's model type (a standardised logistic regression).
IntegrityModel = LinearModel


class IntegrityModelError(LinearModelError):
    """The integrity model file is missing or malformed."""


def load_integrity_model(path: Path = INTEGRITY_MODEL_PATH) -> LinearModel:
    """Read a model written by the training script; raises `IntegrityModelError` if malformed."""
    return read_linear_model(
        path,
        what="integrity",
        trainer="tools/train_integrity_learned.py",
        error=IntegrityModelError,
    )
