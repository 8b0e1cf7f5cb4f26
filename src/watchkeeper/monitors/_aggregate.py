"""From step findings to a trajectory score.

The trajectory score is a noisy-OR over categories: each category contributes its highest
step score, and ``score = 1 - Π (1 - max_c)``. One strong finding dominates (a single 0.95
gives ≥ 0.95); weak findings in *different* categories add up (0.5 and 0.5 give 0.75); many
weak findings in the *same* category do not (a monitor repeating itself is one piece of
evidence). Per-monitor maxima are kept beside it for per-monitor thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from watchkeeper.monitors._protocol import Finding

__all__ = ["ScoreBoard", "trajectory_score"]


def trajectory_score(findings: Iterable[Finding]) -> float:
    """Return the noisy-OR over categories of each category's highest finding score."""
    board = ScoreBoard()
    for finding in findings:
        board.add(finding)
    return board.score


@dataclass(slots=True)
class ScoreBoard:
    """Running maxima of one session: per monitor, per category, and the trajectory score."""

    per_monitor: dict[str, float] = field(default_factory=dict)
    per_category: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    def add(self, finding: Finding) -> bool:
        """Fold `finding` in; return True when the trajectory score rose."""
        value = min(max(finding.score, 0.0), 1.0)
        if value > self.per_monitor.get(finding.monitor, 0.0):
            self.per_monitor[finding.monitor] = value
        if value <= self.per_category.get(finding.category, 0.0):
            return False
        self.per_category[finding.category] = value
        remaining = 1.0
        for category_max in self.per_category.values():
            remaining *= 1.0 - category_max
        before, self.score = self.score, 1.0 - remaining
        return self.score > before

    def top_category(self) -> str | None:
        """Return the category with the highest score (None before any finding)."""
        if not self.per_category:
            return None
        return max(self.per_category, key=lambda c: self.per_category[c])
