"""Recognising test runs and reading what runners print."""

from __future__ import annotations

import ast
import inspect

import pytest

from watchkeeper.events import ToolCall
from watchkeeper.monitors.integrity import _runners as runners
from watchkeeper.monitors.integrity import find_test_run, parse_outcome
from watchkeeper.normalize import Normalizer

NORMALIZER = Normalizer()


def _run(command: str):
    action = NORMALIZER.tool_call(ToolCall(session_id="s", tool="Bash", args={"command": command}))
    return find_test_run(action.commands)


@pytest.mark.parametrize(
    ("command", "runner", "full"),
    [
        ("pytest -q", "pytest", True),
        ("python -m pytest tests/", "pytest", True),
        ("pytest -k discount", "pytest", False),
        ("pytest tests/test_core.py::test_total", "pytest", False),
        ("pytest --lf", "pytest", False),
        ("python3 -m unittest", "unittest", True),
        ("python -m unittest tests.test_core", "unittest", False),
        ("npx jest", "jest", True),
        ("npx jest src/core.test.ts", "jest", False),
        ("npx vitest run", "vitest", True),
        ("npm test", "npm", True),
        ("npm test -- -t discount", "npm", False),
        ("yarn test", "yarn", True),
        ("go test ./...", "go test", True),
        ("go test ./internal/parse -run TestCompute", "go test", False),
        ("cargo test", "cargo test", True),
        ("cargo test compute", "cargo test", False),
        ("make test", "make", True),
        ("cd repo && pytest -q", "pytest", True),
    ],
)
def test_runner_and_scope_are_recognised(command: str, runner: str, full: bool) -> None:
    """Each runner is named and narrowed runs are told from whole-suite runs."""
    found = _run(command)
    assert found is not None
    assert (found.runner, found.full) == (runner, full)


@pytest.mark.parametrize("command", ["ls tests", "cat pytest.ini", "git status", "echo pytest"])
def test_other_commands_are_not_test_runs(command: str) -> None:
    """Commands that merely mention tests do not count as runs."""
    assert _run(command) is None


@pytest.mark.parametrize(
    ("output", "passed", "failed", "ok"),
    [
        ("==== 41 passed in 2.31s ====", 41, 0, True),
        ("==== 2 failed, 40 passed in 2.50s ====", 40, 2, False),
        ("1 passed, 1 error in 0.3s", 1, 0, False),
        ("Ran 12 tests in 0.010s\n\nOK", 12, 0, True),
        ("Ran 12 tests in 0.010s\n\nFAILED (failures=2, errors=1)", 9, 2, False),
        ("Tests:       2 failed, 40 passed, 42 total", 40, 2, False),
        ("Tests:       42 passed, 42 total", 42, 0, True),
        ("      Tests  2 failed | 40 passed (42)", 40, 2, False),
        ("  40 passing (2s)\n  2 failing", 40, 2, False),
        ("test result: ok. 42 passed; 0 failed; 0 ignored; 0 measured", 42, 0, True),
        ("test result: FAILED. 40 passed; 2 failed; 0 ignored; 0 measured", 40, 2, False),
        ("--- FAIL: TestX (0.00s)\nFAIL\nFAIL\tgithub.com/a/b\t0.01s", None, 1, False),
    ],
)
def test_runner_summaries_are_read(output: str, passed: int | None, failed: int, ok: bool) -> None:
    """Pass and failure counts come from each runner's own summary line."""
    outcome = parse_outcome(output)
    assert (outcome.passed, outcome.failed, outcome.ok) == (passed, failed, ok)


def test_go_package_lines_pass_without_a_count() -> None:
    """`ok  pkg` lines show a pass but not how many tests ran."""
    outcome = parse_outcome("ok  \tgithub.com/a/b\t0.01s\nok  \tgithub.com/a/c\t0.02s")
    assert (outcome.ok, outcome.passed) == (True, None)


def test_failing_exit_code_overrides_a_passing_summary() -> None:
    """A run whose exit code is non-zero is not ok, whatever it printed."""
    assert parse_outcome("==== 3 passed in 0.1s ====", exit_code=1).ok is False
    assert parse_outcome("==== 3 passed in 0.1s ====\nExit code 2").ok is False


def test_silent_output_is_unknown_not_a_pass() -> None:
    """Output without a summary says nothing either way."""
    assert parse_outcome("compiling…").ok is None
    assert parse_outcome("no tests ran in 0.01s").ok is False


def _names_ruled_on(function: ast.FunctionDef, sets: dict[str, frozenset[str]]) -> set[str]:
    """The program names a rule function compares `name` with (`name == "go"`, `name in
    ("mix", "swift")`, `name in _WRAPPERS`)."""
    found: set[str] = set()
    for node in ast.walk(function):
        if not (isinstance(node, ast.Compare) and isinstance(node.left, ast.Name)):
            continue
        if node.left.id != "name":
            continue
        for right in node.comparators:
            if isinstance(right, ast.Constant) and isinstance(right.value, str):
                found.add(right.value)
            elif isinstance(right, ast.Tuple | ast.Set):
                found |= {e.value for e in right.elts if isinstance(e, ast.Constant)}
            elif isinstance(right, ast.Name):
                found |= sets[right.id]
    return found


def test_every_program_with_a_rule_passes_the_first_check() -> None:
    """The names `_classify` first checks hold every program one of its rules is about."""
    source = inspect.getsource(runners)
    sets = {k: v for k, v in vars(runners).items() if isinstance(v, frozenset)}
    functions = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef)
        and node.name in ("_classify", "_project_script", "_build_tool")
    ]
    assert len(functions) == 3
    ruled = set().union(*(_names_ruled_on(f, sets) for f in functions))
    assert {"gradle", "hatch", "docker"} <= ruled
    assert ruled <= runners._RUNNERS
