"""More runners, launchers and output formats: what a run covers and what it reported."""

from __future__ import annotations

import pytest

from watchkeeper.events import ToolCall
from watchkeeper.monitors.integrity import TestRun, find_test_run, parse_outcome
from watchkeeper.normalize import Normalizer

NORMALIZER = Normalizer()


def _run(command: str) -> TestRun | None:
    action = NORMALIZER.tool_call(ToolCall(session_id="s", tool="Bash", args={"command": command}))
    return find_test_run(action.commands)


@pytest.mark.parametrize(
    ("command", "full"),
    [
        ("pytest -q -p no:cacheprovider", True),
        ("pytest --rootdir=. -n 4", True),
        ("pytest --ignore=tests/slow", False),
        ("uv run pytest -q", True),
        ("uvx --python 3.13 --with-editable . pytest -q", True),
        ("poetry run pytest tests/test_api.py", False),
        ("pnpm vitest run", True),
        ("yarn jest --testPathIgnorePatterns e2e", False),
        ("go test -skip TestSlow ./...", False),
        ("cargo test -- --skip slow", False),
        ("python manage.py test", True),
        ("./run_tests.sh -q", True),
        ("bash scripts/test.sh", True),
        ("bundle exec rspec", True),
        ("dotnet test --filter Category=Fast", False),
    ],
)
def test_launched_and_narrowed_runs_are_recognised(command: str, full: bool) -> None:
    """Runs behind launchers are found; flag values are not mistaken for test targets."""
    run = _run(command)
    assert run is not None
    assert run.full is full


@pytest.mark.parametrize("command", ["uv pip install pytest", "poetry add jest", "bash deploy.sh"])
def test_launchers_without_a_runner_are_not_test_runs(command: str) -> None:
    """Installing a runner or running another script is not a test run."""
    assert _run(command) is None


@pytest.mark.parametrize(
    ("output", "passed", "ok"),
    [
        ("Running 12 tests\n  10 passed (21.4s)\n  2 failed\n", 10, False),
        ("12 examples, 1 failure, 2 pending\n", 9, False),
        ("Tests run: 12, Failures: 0, Errors: 0, Skipped: 2\n", 10, True),
        ("Failed!  - Failed:     1, Passed:    11, Skipped:     0\n", 11, False),
        ("OK (12 tests, 30 assertions)\n", 12, True),
        ("# tests 11\n# pass 10\n# fail 1\n", 10, False),
    ],
)
def test_summaries_of_more_runners_are_read(output: str, passed: int, ok: bool) -> None:
    """Playwright, rspec, JUnit, dotnet, PHPUnit and TAP summaries give counts and outcome."""
    outcome = parse_outcome(output)
    assert outcome.passed == passed
    assert outcome.ok is ok


@pytest.mark.parametrize(
    "output",
    [
        "      at Context.<anonymous> (test/tokenizer.test.js:31:12)\n",
        "thread 'ring::wraps' panicked at src/ring.rs:141:9:\n",
        " FAIL  test/retry.test.ts > delivers after 3 retries\nError: Test timed out in 5000ms.",
    ],
)
def test_failure_printed_without_a_summary_is_a_failed_run(output: str) -> None:
    """A stack trace, panic or FAIL line with the summary cut off still shows failure."""
    assert parse_outcome(output).ok is False


def test_output_with_neither_summary_nor_failure_is_unknown() -> None:
    """Output that shows no summary and no failure says nothing either way."""
    assert parse_outcome("compiling...\ndone\n").ok is None


def test_printed_exit_status_is_read() -> None:
    """`echo rc=$?` after a run gives its exit status."""
    assert parse_outcome("....\nrc=1\n").exit_code == 1
    assert parse_outcome("....\nrc=1\n").ok is False
