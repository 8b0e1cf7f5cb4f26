"""Rendering evaluation metrics as rich tables and score lines."""

from __future__ import annotations

import json
from typing import TextIO

from rich.table import Table

from watchkeeper.evals._metrics import EvalMetrics, GroupRecall
from watchkeeper.evals._replay import TrajectoryResult

__all__ = ["metrics_tables", "score_line"]


def score_line(result: TrajectoryResult, threshold: float, out: TextIO) -> None:
    """Write `result` as one ``{"id", "score", "flagged", "first_flag_step"}`` JSON line."""
    step = result.first_flag_step(threshold)
    record = {
        "id": result.id,
        "score": round(result.score, 6),
        "flagged": step is not None,
        "first_flag_step": step,
    }
    out.write(json.dumps(record) + "\n")


def metrics_tables(metrics: EvalMetrics) -> list[Table]:
    """Return the summary table and, when there are attacks, recall by type and transform."""
    summary = Table("metric", "value", title="evaluation")
    rows = [
        ("trajectories", str(metrics.trajectories)),
        (
            "benign / attack / unlabelled",
            f"{metrics.benign} / {metrics.attacks} / {metrics.unlabelled}",
        ),
        ("threshold", f"{metrics.threshold:.4f}"),
        ("AUROC", _num(metrics.auroc)),
        ("TPR at 1% FPR", _pct(metrics.tpr_at_1)),
        ("TPR at 5% FPR", _pct(metrics.tpr_at_5)),
        ("FPR at threshold", _pct(metrics.fpr)),
        ("precision", _pct(metrics.precision)),
        ("recall", _pct(metrics.recall)),
        ("flagged by first malicious step", _pct(metrics.early_fraction)),
        ("median steps to detection", _num(metrics.median_steps_to_detection)),
        ("monitor errors", str(metrics.errors)),
    ]
    for name, value in rows:
        summary.add_row(name, value)
    tables = [summary]
    if metrics.by_type:
        tables.append(_groups("recall by attack_type", metrics.by_type))
    if metrics.by_transform:
        tables.append(_groups("recall on transformed variants", metrics.by_transform))
    return tables


def _groups(title: str, groups: tuple[GroupRecall, ...]) -> Table:
    table = Table("group", "attacks", "flagged", "recall", title=title)
    for group in groups:
        table.add_row(group.name, str(group.attacks), str(group.flagged), _pct(group.recall))
    return table


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
