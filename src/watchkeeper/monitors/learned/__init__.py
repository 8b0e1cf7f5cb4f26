"""Learned monitors: small models trained offline over the rule monitors' evidence and
shipped as JSON. See docs/monitors.md, "`rogue-learned`" and "`integrity-learned`"."""

from watchkeeper.monitors.learned._integrity_features import (
    INTEGRITY_DESCRIPTIONS,
    INTEGRITY_FEATURES,
)
from watchkeeper.monitors.learned._integrity_model import (
    INTEGRITY_MODEL_PATH,
    IntegrityModel,
    IntegrityModelError,
    load_integrity_model,
)
from watchkeeper.monitors.learned._integrity_monitor import IntegrityLearned, integrity_learned
from watchkeeper.monitors.learned._rogue_features import (
    ROGUE_DESCRIPTIONS,
    ROGUE_FEATURES,
    RogueTally,
)
from watchkeeper.monitors.learned._rogue_model import (
    ROGUE_MODEL_PATH,
    RogueModel,
    RogueModelError,
    load_rogue_model,
)
from watchkeeper.monitors.learned._rogue_monitor import RogueLearned, rogue_learned

__all__ = [
    "INTEGRITY_DESCRIPTIONS",
    "INTEGRITY_FEATURES",
    "INTEGRITY_MODEL_PATH",
    "ROGUE_DESCRIPTIONS",
    "ROGUE_FEATURES",
    "ROGUE_MODEL_PATH",
    "IntegrityLearned",
    "IntegrityModel",
    "IntegrityModelError",
    "RogueLearned",
    "RogueModel",
    "RogueModelError",
    "RogueTally",
    "integrity_learned",
    "load_integrity_model",
    "load_rogue_model",
    "rogue_learned",
]
