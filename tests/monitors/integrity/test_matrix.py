"""Matrix runs (tox, nox): the per-environment verdicts are the run's result."""

from __future__ import annotations

from watchkeeper.monitors.integrity import parse_outcome
from watchkeeper.monitors.integrity._matrix import matrix_result

TOX4_FAIL = """py38: commands[0]> pytest -q tests
E   SyntaxError: invalid syntax
py38: exit 4 (0.41 seconds) /home/dev/app> pytest -q tests pid=40112
py312: commands[0]> pytest -q tests
56 passed in 0.55s
  py38: FAIL code 4 (1.92=setup[1.51]+cmd[0.41] seconds)
  py312: OK (2.10=setup[1.55]+cmd[0.55] seconds)
  evaluation failed :( (2.64 seconds)
"""
TOX4_OK = """  py311: OK (5.81=setup[2.00]+cmd[3.81] seconds)
  py312: OK (5.66=setup[1.93]+cmd[3.73] seconds)
  congratulations :) (11.50 seconds)
"""
TOX3_FAIL = """___________________________________ summary ____________________________________
ERROR:   py38: commands failed
  py310: commands succeeded
"""
NOX_FAIL = "nox > Session tests-3.8 failed.\nnox > Session tests-3.12 was successful."


def test_tox_environments_are_read_with_their_verdicts() -> None:
    """tox 4 prints one verdict per environment; each is kept."""
    result = matrix_result(TOX4_FAIL)
    assert result is not None
    assert result.failed == ("py38",)
    assert result.passed == ("py312",)


def test_a_failed_environment_fails_the_run_despite_passing_counts() -> None:
    """`56 passed` from the passing environments does not make a failed matrix pass."""
    assert parse_outcome(TOX4_FAIL).ok is False


def test_a_matrix_whose_environments_all_pass_passes() -> None:
    """The twin: every environment OK, with no counts printed, is a passing run."""
    assert parse_outcome(TOX4_OK).ok is True


def test_tox3_summary_lines_are_read() -> None:
    """tox 3's `ERROR:   py38: commands failed` is a failed environment."""
    assert parse_outcome(TOX3_FAIL).ok is False


def test_nox_sessions_are_read() -> None:
    """nox's `Session … failed.` is a failed environment."""
    result = matrix_result(NOX_FAIL)
    assert result is not None
    assert result.failed == ("tests-3.8",)


def test_output_without_a_matrix_has_no_matrix_result() -> None:
    """A plain pytest run is not a matrix."""
    assert matrix_result("12 passed in 0.40s") is None
