"""What an assessment is: ratings with their evidence, never a bare number."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Assessment", "BottomLine", "DeploymentAssessment", "Dimension", "Rating", "Reason"]


class Rating(StrEnum):
    """How much of a dimension the evidence shows."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Reason(BaseModel):
    """One piece of evidence: what it says, the figure if any, and the events behind it."""

    model_config = ConfigDict(frozen=True)

    text: str
    figure: float | None = None
    weight: Rating = Rating.LOW
    event_ids: tuple[str, ...] = Field(default=(), max_length=20)


class Dimension(BaseModel):
    """Means, motive or opportunity: a rating and the reasons that decide it."""

    model_config = ConfigDict(frozen=True)

    name: str
    rating: Rating
    reasons: tuple[Reason, ...]


class BottomLine(BaseModel):
    """The assessors' question answered yes or no, with why."""

    model_config = ConfigDict(frozen=True)

    question: str
    answer: bool
    reasons: tuple[str, ...]


class DeploymentAssessment(BaseModel):
    """One deployment over the period."""

    model_config = ConfigDict(frozen=True)

    deployment: str
    sessions: int
    tool_calls: int
    means: Dimension
    motive: Dimension
    opportunity: Dimension
    small_rogue: BottomLine
    robust_rogue: BottomLine


class Assessment(BaseModel):
    """Every deployment's assessment over `start` … `end` (UTC)."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    generated_at: datetime
    deployments: tuple[DeploymentAssessment, ...]
