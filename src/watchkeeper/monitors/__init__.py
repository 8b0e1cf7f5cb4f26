"""Monitors: callables that score each step of a session, the loop that runs them, the
registry that finds them, and the thresholds that turn their scores into alerts."""

from watchkeeper.monitors._aggregate import ScoreBoard, trajectory_score
from watchkeeper.monitors._calibrate import (
    Calibration,
    CorpusError,
    SessionScores,
    apply_calibration,
    calibrate,
    read_trajectories,
    replay_scores,
)
from watchkeeper.monitors._config import (
    MONITORS_FILE,
    MonitorConfigError,
    MonitorsConfig,
    MonitorSettings,
    load_monitors_config,
    save_monitors_config,
)
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step
from watchkeeper.monitors._registry import (
    ENTRY_POINT_GROUP,
    MonitorLoadError,
    available_monitors,
    build_monitor,
    build_monitors,
    default_monitors_config,
    opt_in,
)
from watchkeeper.monitors._runner import run_monitors

__all__ = [
    "ENTRY_POINT_GROUP",
    "MONITORS_FILE",
    "Calibration",
    "CorpusError",
    "Finding",
    "Monitor",
    "MonitorConfigError",
    "MonitorLoadError",
    "MonitorSettings",
    "MonitorsConfig",
    "ScoreBoard",
    "SessionScores",
    "SessionView",
    "Step",
    "apply_calibration",
    "available_monitors",
    "build_monitor",
    "build_monitors",
    "calibrate",
    "default_monitors_config",
    "load_monitors_config",
    "opt_in",
    "read_trajectories",
    "replay_scores",
    "run_monitors",
    "save_monitors_config",
    "trajectory_score",
]
