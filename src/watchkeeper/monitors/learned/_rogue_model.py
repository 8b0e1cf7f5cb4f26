"""The `rogue-learned` model: a `LinearModel` trained by ``tools/train_rogue_learned.py``.

`threshold` in the shipped ``rogue_model.json`` flagged at most 2% of the training benign
sessions.
"""

from __future__ import annotations

from pathlib import Path

from watchkeeper.monitors.learned._linear import LinearModel, LinearModelError, read_linear_model

__all__ = ["ROGUE_MODEL_PATH", "RogueModel", "RogueModelError", "load_rogue_model"]

#: The shipped model.
ROGUE_MODEL_PATH = Path(__file__).with_name("rogue_model.json")

#: The rogue scorer's model type (a standardised logistic regression).
RogueModel = LinearModel


class RogueModelError(LinearModelError):
    """The rogue model file is missing or malformed."""


def load_rogue_model(path: Path = ROGUE_MODEL_PATH) -> LinearModel:
    """Read a model written by the training script; raises `RogueModelError` when malformed."""
    return read_linear_model(
        path, what="rogue", trainer="tools/train_rogue_learned.py", error=RogueModelError
    )
