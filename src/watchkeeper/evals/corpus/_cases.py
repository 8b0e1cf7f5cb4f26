"""Every assistant task, by suite (email/calendar/drive, banking, slack, travel)."""

from __future__ import annotations

import random
from collections.abc import Callable

from watchkeeper.evals.corpus._case import Case
from watchkeeper.evals.corpus._suite_banking import BANKING
from watchkeeper.evals.corpus._suite_slack import SLACK
from watchkeeper.evals.corpus._suite_travel import TRAVEL
from watchkeeper.evals.corpus._suite_workspace import WORKSPACE

__all__ = ["CASES", "Case"]

CASES: dict[str, tuple[Callable[[random.Random], Case], ...]] = {
    "workspace": WORKSPACE,
    "banking": BANKING,
    "slack": SLACK,
    "travel": TRAVEL,
}
