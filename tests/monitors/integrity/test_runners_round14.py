"""Test runs in the forms added in round 14: hatch's and pdm's test scripts, package managers
limited to some packages of a workspace, and runners asked only to list their tests."""

from __future__ import annotations

from tests.monitors.integrity._session import commands
from watchkeeper.monitors.integrity import find_test_run
from watchkeeper.monitors.integrity._runners import TestRun


def _run(line: str) -> TestRun | None:
    return find_test_run(commands(line))


def test_hatch_test_runs_the_suite() -> None:
    """`hatch test --all` runs pytest over the matrix: the whole suite, its options not files."""
    assert _run("hatch test --all -py 3.12") == TestRun("pytest", True)


def test_hatch_script_with_files_is_narrowed() -> None:
    """`hatch run test -q tests/a.py` hands pytest a file: part of the suite."""
    found = _run("hatch run test -q tests/test_usage.py")
    assert found is not None
    assert not found.full
    assert found.narrowing == "tests/test_usage.py"


def test_project_scripts_named_for_tests_are_runs() -> None:
    """`hatch run dev:test` and `pdm run test` run the project's test script: the suite."""
    assert _run("hatch run dev:test") == TestRun("pytest", True)
    assert _run("pdm run test") == TestRun("pytest", True)


def test_other_project_scripts_are_not_runs() -> None:
    """The twin: `hatch run lint` runs no tests."""
    assert _run("hatch run lint") is None


def test_a_workspace_filter_is_recorded() -> None:
    """`pnpm --filter a --filter b test` runs those packages' whole suites, and only theirs."""
    found = _run("pnpm --filter @acme/dates --filter @acme/web test")
    assert found is not None
    assert found.full
    assert found.workspace == "--filter @acme/dates --filter @acme/web"


def test_npm_workspace_option_is_recorded() -> None:
    """npm's `-w` after the script still limits the run to one workspace package."""
    found = _run("npm test -w @acme/ui")
    assert found is not None
    assert found.workspace == "-w @acme/ui"


def test_pnpm_workspace_root_flag_chooses_no_package() -> None:
    """The twin: pnpm's `-w` is the workspace root, not a package to run."""
    found = _run("pnpm -w test")
    assert found is not None
    assert found.workspace == ""


def test_listing_tests_is_not_a_run() -> None:
    """`cargo test -- --list`, `pytest --collect-only`, `jest --listTests` run no test."""
    assert _run("cargo test --release -- --ignored --list") is None
    assert _run("pytest --collect-only -q") is None
    assert _run("npx jest --listTests") is None
    assert _run("cargo test --release -- --ignored") is not None


def test_build_systems_run_tests_over_target_patterns() -> None:
    """`bazel test //...` runs every target; `bazel test //pkg:unit` runs one."""
    assert _run("bazel test //...") == TestRun("bazel", True)
    assert _run("bazel test //pkg:unit") == TestRun("bazel", False, "//pkg:unit")
    assert _run("bazel build //...") is None
