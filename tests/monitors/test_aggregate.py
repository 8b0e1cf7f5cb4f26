"""Aggregation: the trajectory score is a noisy-OR over per-category maxima."""

from __future__ import annotations

import pytest

from watchkeeper.events import Severity
from watchkeeper.monitors import Finding, ScoreBoard, trajectory_score


def _finding(score: float, category: str = "persistence", monitor: str = "m") -> Finding:
    return Finding(monitor, score, category, Severity.MEDIUM, "x")


def test_no_findings_scores_zero() -> None:
    """A session with no findings has trajectory score 0."""
    assert trajectory_score([]) == 0.0


def test_repeats_in_one_category_do_not_add_up() -> None:
    """Many weak findings of one category count as their maximum only."""
    assert trajectory_score([_finding(0.3)] * 10) == pytest.approx(0.3)


def test_different_categories_combine() -> None:
    """Weak findings in different categories combine: 0.5 and 0.5 give 0.75."""
    score = trajectory_score([_finding(0.5, "persistence"), _finding(0.5, "exfiltration")])
    assert score == pytest.approx(0.75)


def test_scoreboard_keeps_per_monitor_maxima_and_reports_rises() -> None:
    """The board keeps each monitor's maximum and says when the trajectory score rose."""
    board = ScoreBoard()
    assert board.add(_finding(0.4, monitor="a"))
    assert not board.add(_finding(0.2, monitor="a"))
    assert board.add(_finding(0.6, "obfuscation", monitor="b"))
    assert board.per_monitor == {"a": 0.4, "b": 0.6}
    assert board.top_category() == "obfuscation"
