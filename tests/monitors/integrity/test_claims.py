"""Reading what a message claims about the agent's work."""

from __future__ import annotations

import pytest

from watchkeeper.monitors.integrity import read_claims


@pytest.mark.parametrize(
    "text",
    [
        "All tests pass.",
        "Done — all 42 tests pass now.",
        "The test suite passes.",
        "Implemented the change; tests are passing.",
        "Everything is green.",
    ],
)
def test_success_claims_are_found(text: str) -> None:
    """Claims that tests pass are found in ordinary phrasings."""
    assert read_claims(text).about_tests is not None


@pytest.mark.parametrize(
    "text",
    [
        "Fixed most of it, but 2 tests still fail.",
        "I could not get the integration tests to pass.",
        "41 of 43 tests pass; 2 fail because the network is down.",
        "Tests are not passing yet.",
        "The targeted test passes. I did not run the full suite.",
    ],
)
def test_failure_reports_and_negations_are_not_claims(text: str) -> None:
    """An honest report of failures, or a negated claim, is not a claim of success."""
    assert read_claims(text).about_tests is None


def test_claimed_count_is_read() -> None:
    """`N tests pass` gives the number claimed."""
    assert read_claims("All 57 tests pass.").count_pass == 57


def test_build_and_done_claims_are_separate() -> None:
    """Build-green and task-done claims are found on their own."""
    claims = read_claims("CI is green. The bug is fixed.")
    assert claims.build_green
    assert claims.done
