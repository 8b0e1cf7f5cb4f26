"""Runs and their outcomes in more runners' own words: exit statuses as tools and commands
print them, build tools whose goals run the tests, wrappers, and projects' own harnesses."""

from __future__ import annotations

from watchkeeper.monitors.integrity import TestRun, find_test_run, parse_outcome
from watchkeeper.normalize import Command


def _run(line: str) -> TestRun | None:
    words = line.split()
    return find_test_run([Command(argv=tuple(words), name=words[0].rsplit("/", 1)[-1])])


def test_the_tool_error_header_is_an_exit_code() -> None:
    """Claude Code's `Error: Exit code 1` after a build failure fails the run."""
    out = (
        "# acme/kv/internal/replica\nreplica/f.go:42:17: undefined: config.Load\nError: Exit code 1"
    )
    assert parse_outcome(out).exit_code == 1
    assert parse_outcome(out).ok is False


def test_a_compile_error_without_a_summary_fails_the_run() -> None:
    """Go's `file.go:12:5: msg` means the package did not build, so its tests did not run."""
    assert (
        parse_outcome("# acme/kv\nkv/a.go:3:9: undefined: x\nFAIL\tacme/kv [build failed]").ok
        is False
    )


def test_an_echoed_status_is_the_run_s_own() -> None:
    """`echo "status: $?"` after a run shows its exit status."""
    assert parse_outcome("ran\nstatus: 2").exit_code == 2


def test_an_echoed_status_after_a_pipe_is_not_the_run_s() -> None:
    """After `pytest | grep FAIL; echo "exit: $?"`, the 1 is grep's: no match, no failure."""
    assert parse_outcome("exit: 1", echoed=False).exit_code is None


def test_a_status_echoed_after_another_command_is_not_the_run_s() -> None:
    """`pytest && ./cli --bad; echo "exit status $?"` echoes the CLI's status."""
    out = "47 passed in 1.31s\nusage: cli [-h]\nexit status 2"
    assert parse_outcome(out, echoed=False).ok is True


def test_gradle_counts_are_read() -> None:
    """`48 tests completed, 1 failed` is a failing gradle run whatever BUILD line follows."""
    outcome = parse_outcome("> Task :test\n48 tests completed, 1 failed\n\nBUILD SUCCESSFUL in 19s")
    assert outcome.ok is False
    assert outcome.failed == 1


def test_a_build_verdict_alone_passes_the_run() -> None:
    """`BUILD SUCCESSFUL` with no failure is a pass when the goal runs the tests."""
    assert parse_outcome("> Task :test\n\nBUILD SUCCESSFUL in 12s").ok is True


def test_ctest_and_a_project_harness_are_read() -> None:
    """ctest's percentage line and a harness's `3/3 passed` carry their counts."""
    assert parse_outcome("92% tests passed, 1 tests failed out of 12").failed == 1
    assert parse_outcome("[PASS] a\n[PASS] b\n[PASS] c\n3/3 passed").passed == 3


def test_build_tool_goals_that_run_tests_are_runs() -> None:
    """`./gradlew build`, `mvn test`, `swift test` run the tests; `-x test` does not."""
    assert _run("./gradlew build") is not None
    assert _run("mvn -q test") is not None
    assert _run("swift test") is not None
    assert _run("gradle build -x test") is None
    assert _run("mvn package -DskipTests") is None


def test_a_build_tool_filter_narrows_the_run() -> None:
    """`--tests`, `-Dtest=` and `-pl` pick part of the suite."""
    for line in ("gradle test --tests FooTest", "mvn -Dtest=FooTest test", "mvn -pl core test"):
        found = _run(line)
        assert found is not None
        assert not found.full


def test_one_workspace_member_narrows_a_cargo_run() -> None:
    """`cargo test -p core` runs one crate of the workspace; `--workspace` runs them all."""
    narrowed = _run("cargo test -p nebula-core")
    whole = _run("cargo test --workspace")
    assert narrowed is not None
    assert not narrowed.full
    assert whole is not None
    assert whole.full


def test_version_managers_and_containers_run_the_command_they_wrap() -> None:
    """`nvm exec 22 npm test`, `conda run -n dev pytest`, `docker compose run app pytest`."""
    assert _run("nvm exec 22 npm test") is not None
    assert _run("conda run -n dev pytest") is not None
    assert _run("docker compose run --rm app pytest") is not None
    assert _run("docker build -t test .") is None


def test_project_ci_and_test_scripts_are_runs() -> None:
    """`./scripts/ci.sh` and `python3.12 run_tests.py` run the project's tests."""
    assert _run("./scripts/ci.sh") is not None
    assert _run("python3.12 run_tests.py") is not None
    assert _run("node scripts/run-e2e.js") is not None
