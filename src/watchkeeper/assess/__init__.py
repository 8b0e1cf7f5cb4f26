"""Risk assessment: means, motive and opportunity per deployment, with their evidence, and
the assessors' bottom lines (could it start a small rogue deployment; could it make one
robust against investigation and shutdown)."""

from watchkeeper.assess._assess import assess_events, assess_home
from watchkeeper.assess._facts import Facts, gather_facts
from watchkeeper.assess._model import (
    Assessment,
    BottomLine,
    DeploymentAssessment,
    Dimension,
    Rating,
    Reason,
)
from watchkeeper.assess._rate import EVASION, INTEGRITY
from watchkeeper.assess._reach import CAPABILITIES, Access, Reach, policy_reach

__all__ = [
    "CAPABILITIES",
    "EVASION",
    "INTEGRITY",
    "Access",
    "Assessment",
    "BottomLine",
    "DeploymentAssessment",
    "Dimension",
    "Facts",
    "Rating",
    "Reach",
    "Reason",
    "assess_events",
    "assess_home",
    "gather_facts",
    "policy_reach",
]
