"""Rules, YAML loading and the one combining function → Verdict."""

from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._verdict import Verdict

__all__ = ["SessionContext", "Verdict"]
