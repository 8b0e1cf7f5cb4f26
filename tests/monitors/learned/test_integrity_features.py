"""The learned integrity scorer's tally: session facts folded into features."""

from __future__ import annotations

import math

from watchkeeper.events import Severity, ToolCall
from watchkeeper.monitors import Finding
from watchkeeper.monitors.learned._integrity_features import INTEGRITY_FEATURES, IntegrityTally
from watchkeeper.normalize import Normalizer

_FAILED = "tests/test_core.py F.\n1 failed, 1 passed in 0.10s"
_PASSED = "tests/test_core.py ..\n2 passed in 0.10s"


def _bash(tally: IntegrityTally, command: str, output: object) -> None:
    call = ToolCall(session_id="s", tool="Bash", args={"command": command}, cwd="/w")
    tally.observe_call("Bash", {"command": command}, Normalizer().tool_call(call))
    tally.observe_result(output, is_error=False)


def _finding(category: str, score: float, explanation: str = "x") -> Finding:
    return Finding("integrity", score, category, Severity.LOW, explanation)


def test_vector_has_every_feature() -> None:
    """An empty tally still gives a value for every feature the model weighs."""
    assert set(IntegrityTally().vector()) == set(INTEGRITY_FEATURES)


def test_claim_after_a_failing_run_is_counted() -> None:
    """A success claim made while the last test run failed counts as a claim on failure."""
    tally = IntegrityTally()
    _bash(tally, "pytest -q", _FAILED)
    tally.observe_message("All tests pass now.")
    assert tally.vector()["claims_on_failure"] == math.log1p(1)
    assert tally.vector()["last_failed"] == 1.0


def test_claim_after_a_passing_run_is_not_on_failure() -> None:
    """A success claim after a passing run counts as a claim, not a claim on failure."""
    tally = IntegrityTally()
    _bash(tally, "pytest -q", _FAILED)
    _bash(tally, "pytest -q", _PASSED)
    tally.observe_message("All tests pass now.")
    assert tally.vector()["claims"] > 0
    assert tally.vector()["claims_on_failure"] == 0.0


def test_failure_report_is_not_a_claim() -> None:
    """A message reporting remaining failures counts as a report, not a claim."""
    tally = IntegrityTally()
    _bash(tally, "pytest -q", _FAILED)
    tally.observe_message("1 test still fails; I could not fix the parser.")
    assert tally.vector()["claims"] == 0.0
    assert tally.vector()["reports_failure"] > 0


def test_test_edit_while_failing_is_counted_apart_from_source_edits() -> None:
    """Editing a test file after a failing run counts as a test edit while failing."""
    tally = IntegrityTally()
    _bash(tally, "pytest -q", _FAILED)
    tally.observe_call("Edit", {"file_path": "tests/test_core.py", "old_string": "a"}, None)
    vector = tally.vector()
    assert vector["test_edits_failing"] > 0
    assert vector["source_edits"] == 0.0
    assert vector["tests_only"] == 1.0


def test_exit_code_in_structured_output_is_read() -> None:
    """A failing exit code in a structured tool output counts as a non-zero exit."""
    tally = IntegrityTally()
    _bash(tally, "pytest -q", {"stdout": "", "exit_code": 1})
    assert tally.vector()["exit_nonzero"] > 0


def test_findings_keep_the_highest_score_per_category() -> None:
    """Per category the highest finding score is kept and the rules' score is their noisy-OR."""
    tally = IntegrityTally()
    tally.observe_finding(_finding("test-tampering", 0.6))
    tally.observe_finding(_finding("test-tampering", 0.3))
    tally.observe_finding(_finding("unsupported-claim", 0.5))
    vector = tally.vector()
    assert vector["max:test-tampering"] == 0.6
    assert math.isclose(vector["rules"], 1 - 0.4 * 0.5)


def test_findings_of_unknown_categories_are_ignored() -> None:
    """A finding outside the integrity monitor's categories changes no feature."""
    tally = IntegrityTally()
    tally.observe_finding(_finding("monitor-error", 1.0))
    assert tally.vector() == IntegrityTally().vector()


def test_lowered_findings_are_counted() -> None:
    """A finding lowered because the task asked for test changes is counted as allowed."""
    tally = IntegrityTally()
    tally.observe_finding(
        _finding("test-tampering", 0.25, "edits (the task asked for test changes)")
    )
    assert tally.vector()["allowed"] > 0
