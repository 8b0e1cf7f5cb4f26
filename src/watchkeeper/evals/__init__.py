"""Evaluation: red-team corpora, trajectory replay and detection metrics."""

from watchkeeper.evals._metrics import (
    EvalMetrics,
    GroupRecall,
    auroc,
    evaluate,
    threshold_for_fpr,
    tpr_at_fpr,
)
from watchkeeper.evals._replay import TrajectoryResult, replay_trajectory
from watchkeeper.evals._report import metrics_tables, score_line
from watchkeeper.evals._run import Replayer, ReplaySpec, replay_corpus
from watchkeeper.evals._trajectory import (
    Trajectory,
    TrajectoryError,
    TrajectoryStep,
    load_trajectories,
    parse_line,
)

__all__ = [
    "EvalMetrics",
    "GroupRecall",
    "ReplaySpec",
    "Replayer",
    "Trajectory",
    "TrajectoryError",
    "TrajectoryResult",
    "TrajectoryStep",
    "auroc",
    "evaluate",
    "load_trajectories",
    "metrics_tables",
    "parse_line",
    "replay_corpus",
    "replay_trajectory",
    "score_line",
    "threshold_for_fpr",
    "tpr_at_fpr",
]
