"""Rules, YAML loading and the one combining function → Verdict."""

from watchkeeper.policy._cases import Case, CaseResult, load_cases, run_case, session_from_mapping
from watchkeeper.policy._combine import combine
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._errors import PolicyError
from watchkeeper.policy._loader import available_packs, load_pack_text, load_policy, parse_policy
from watchkeeper.policy._policy import Policy
from watchkeeper.policy._rule import Rule
from watchkeeper.policy._verdict import Verdict

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
