"""The kill switch: revoke, freeze, kill, sweep persistence, verify and report; and drills."""

from watchkeeper.contain._drill import DRILL_PERSISTENCE, DrillError, DrillResult, run_drill
from watchkeeper.contain._kill import ContainError, KillTarget, contain
from watchkeeper.contain._report import ContainmentReport

__all__ = [
    "DRILL_PERSISTENCE",
    "ContainError",
    "ContainmentReport",
    "DrillError",
    "DrillResult",
    "KillTarget",
    "contain",
    "run_drill",
]
