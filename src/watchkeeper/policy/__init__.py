"""Rules, YAML loading and the one combining function → Verdict.

The policy-test names (`Case`, `load_cases`, …) are imported on first use: a local-mode
hook imports this package for every tool call and never runs a test case.
"""

from typing import TYPE_CHECKING

from watchkeeper.policy._combine import combine
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._errors import PolicyError
from watchkeeper.policy._loader import available_packs, load_pack_text, load_policy, parse_policy
from watchkeeper.policy._policy import Policy
from watchkeeper.policy._rule import Rule
from watchkeeper.policy._verdict import Verdict

if TYPE_CHECKING:
    from watchkeeper.policy._cases import (
        Case,
        CaseResult,
        load_cases,
        run_case,
        session_from_mapping,
    )

__all__ = [
    "Case",
    "CaseResult",
    "Policy",
    "PolicyError",
    "Rule",
    "SessionContext",
    "Verdict",
    "available_packs",
    "combine",
    "load_cases",
    "load_pack_text",
    "load_policy",
    "parse_policy",
    "run_case",
    "session_from_mapping",
]

_CASES = frozenset({"Case", "CaseResult", "load_cases", "run_case", "session_from_mapping"})


def __getattr__(name: str) -> object:
    if name not in _CASES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from watchkeeper.policy import _cases

    value = getattr(_cases, name)
    globals()[name] = value
    return value
