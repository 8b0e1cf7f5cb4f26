"""The case corpus: every YAML case in cases/ through the Normalizer and the coding-agent pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.normalize import Normalizer
from watchkeeper.policy import Case, Policy, load_cases, parse_policy, run_case

CASES_DIR = Path(__file__).parent / "cases"
WORKSPACE = "/work/proj"
HOME = "/home/dev"
POLICY = "version: 1\ndefault: ask\ninclude: [coding-agent]\n"


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        cases += load_cases(path.read_text("utf-8"), source=path.name, cwd=WORKSPACE)
    return cases


ALL_CASES = _all_cases()


@pytest.fixture(scope="module")
def policy() -> Policy:
    return parse_policy(POLICY, source="corpus-policy", home=HOME)


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer(home=HOME)


def test_corpus_is_large_enough() -> None:
    """The corpus holds at least 150 cases with unique names."""
    assert len(ALL_CASES) >= 150
    assert len({c.name for c in ALL_CASES}) == len(ALL_CASES)


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.origin + " " + c.name for c in ALL_CASES])
def test_case(case: Case, policy: Policy, normalizer: Normalizer) -> None:
    """Each case gets exactly its expected decision and deciding rule ids."""
    result = run_case(policy, normalizer, case)
    verdict = result.verdict
    assert (verdict.decision.value, sorted(verdict.rule_ids)) == (
        case.decision.value,
        sorted(case.rules),
    ), verdict.explanation
