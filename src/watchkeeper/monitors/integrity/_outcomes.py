"""What a test run said: the summary lines that pytest, unittest, jest, vitest, mocha, bun,
go test, cargo test and other runners print (npm/yarn/pnpm/make wrappers print their runner's
lines, workspace runs prefix them with the package), and exit codes where the output or the
tool result shows them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from watchkeeper.monitors.integrity._matrix import matrix_result
from watchkeeper.monitors.integrity._screens import folded, screen

__all__ = ["RunOutcome", "parse_outcome"]


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What a run reported: counts where printed, the exit code where known, and `ok`.

    `ok` is True when the run shows passes and no failure or error, False when it shows a
    failure, an error or a failing exit code, and None when the output says neither.
    `left_out` counts tests the runner says it deselected or filtered out (a narrowed run).
    `passed` is None when the output shows no count (`go test` without `-v`); `packages`
    counts the packages `go test` reported `ok` (or without test files), None when it
    printed no package lines.
    """

    passed: int | None = None
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    exit_code: int | None = None
    ok: bool | None = None
    summary: str = ""
    left_out: int = 0
    packages: int | None = None


_PYTEST_ITEM = re.compile(
    r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)\b"
)
_PYTEST_LINE = re.compile(r"^(?:=+ )?(?:\d+ \w+(?:, )?)+.* in [\d.]+s", re.MULTILINE)
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in", re.MULTILINE)
_UNITTEST_FAILED = re.compile(r"^FAILED \(([^)]*)\)", re.MULTILINE)
_JEST_LINE = re.compile(r"^Tests:\s+(.*\d+ total.*)$", re.MULTILINE)
_JEST_JSON = re.compile(  # `jest --json`, `vitest --reporter=json`: the aggregated results
    r'"numFailedTests":\s*(\d+),[^{}]*?"numPassedTests":\s*(\d+),[^{}]*?"numPendingTests":'
    r"\s*(\d+)"
)
_VITEST_LINE = re.compile(r"^\s*Tests\s+(.*\(\d+\).*)$", re.MULTILINE)
_COUNT_WORD = re.compile(r"(\d+) (passed|failed|skipped|todo|pending)")
_MOCHA = re.compile(r"^\s*(\d+) (passing|failing|pending)\b", re.MULTILINE)
_GO_FAIL = re.compile(r"^\s*--- FAIL: ", re.MULTILINE)
_GO_PASS = re.compile(r"^\s*--- PASS: ", re.MULTILINE)
# a package path, not TAP's `ok 1 - name`, deno's `ok | 9 passed` nor jest's `FAIL src/x.test.ts`
_GO_PKG = re.compile(
    r"^(ok|FAIL)\s+(?!\d+\b|\|)(?![^\s]*\.(?:[cm]?[jt]sx?|py|rb)\b)\S+", re.MULTILINE
)
_GO_NO_TESTS = re.compile(r"^\?\s+\S+\s+\[no test files\]", re.MULTILINE)
_GO_EVENT = re.compile(  # `go test -json`: one test2json event per line
    r'^\{[^\n]*"Action":"(pass|fail|skip)"[^\n]*\}\s*$', re.MULTILINE
)
_GOTESTSUM = re.compile(  # gotestsum's summary: "DONE 48 tests, 2 skipped, 1 failure in 1.2s"
    r"^DONE(?: \d+ runs,)? (\d+) tests?((?:, \d+ (?:skipped|failures?|errors?))*) in [\d.]+s",
    re.MULTILINE,
)
_PYTEST_PROGRESS = re.compile(  # `pytest -qq` prints no summary line, only its progress
    r"^(?:\S+\.py )?([.sxXFE]+)\s*\[\s*\d+%\]\s*$", re.MULTILINE
)
_CARGO = re.compile(
    r"test result: (ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored"
    r"(?:; \d+ measured; (\d+) filtered out)?"
)
_NEXTEST = re.compile(
    r"(\d+) tests? run: (\d+) passed(?:[^,\n]*)?(?:, (\d+) failed)?(?:, (\d+) skipped)?"
)
_EXIT = re.compile(
    r"(?:^(?:Error: )?Exit code:? |exit status |exited with code |returned non-zero exit status |"
    r"make: \*\*\* \[[^\]]*\] Error )(\d+)",
    re.IGNORECASE | re.MULTILINE,
)
_PLAYWRIGHT = re.compile(
    r"^\s*(\d+) (passed|failed|flaky|skipped|did not run)(?: \([\d.]+m?s\))?\s*$", re.MULTILINE
)
# gradle's, maven's and sbt's verdict on a build whose goals ran the tests
_BUILD_PASSED = re.compile(r"^(?:\[INFO\] )?BUILD SUCCESS(?:FUL)?\b|^\[success\]", re.MULTILINE)
_ECHOED_STATUS = re.compile(r"^exit status \d+\s*$", re.MULTILINE | re.IGNORECASE)
# A status the command echoes after the run (`echo "exit: $?"`, `echo rc=$?`, `ci.sh exit: 0`)
_RC = re.compile(
    r"^(?:[\w./-]+:? )?(?:rc|ret|exit|exit[ _]?code|exit[ _]?status|status)\s*[=:]\s*(\d{1,3})\s*$",
    re.MULTILINE | re.IGNORECASE,
)
_FAILURE_SIGNS = screen(
    r"^\s*(?:FAIL|FAILED|ERROR)\b|\bpanicked at\b|^Traceback \(most recent call last\)"
    r"|\bAssertionError\b|^\s*[\u2718\u2717\u00d7\u276f]\s|\bTest timed out\b|^WARNING: DATA RACE"
    r"|^\s+at (?:Context|Object|Test)\.<anonymous> |\bassertion (?:`[^`]*` )?failed\b"
    # the code under test did not build: go's `file.go:12:5: undefined: x`, rustc, tsc, pytest
    r"|^[\w./-]+\.go:\d+:\d+: |\[build failed\]|^error(?:\[E\d{4}\])?: |\berror TS\d+:"
    r"|\bwhile loading conftest\b|^ERROR collecting\b|\berrors? during collection\b",
    re.MULTILINE,
    needs=("fail|error|panicked|traceback|timed out|data race|anonymous|.go:|conftest",),
)
_OTHERS = (  # (pattern, group of passed or total, failed, errors, skipped, total-based)
    # rspec / bats: "12 examples, 1 failure, 2 pending"; "5 tests, 1 failure"
    (
        re.compile(
            r"^(\d+) (?:examples?|tests?), (\d+) failures?(?:, (\d+) (?:pending|skipped))?",
            re.MULTILINE,
        ),
        "total",
    ),
    # ctest: "92% tests passed, 1 tests failed out of 12"
    (re.compile(r"\d+% tests passed, (\d+) tests? failed out of (\d+)"), "ctest"),
    # automake's test-suite log: "# PASS:  3" … "# FAIL:  0"
    (re.compile(r"^# PASS:\s+(\d+)\s*\n(?:#[^\n]*\n)*?# FAIL:\s+(\d+)", re.MULTILINE), "pair"),
    # a harness of the project's own: "3/3 passed", "11/12 tests passed"
    (
        re.compile(r"^\s*(\d+)/(\d+) (?:tests? )?(?:passed|ok|succeeded)\b", re.MULTILINE),
        "fraction",
    ),
    # a project's own harness, its verdict on a line of its own: "4 passed, 2 failed"
    (re.compile(r"^\s*(\d+) passed, (\d+) failed\.?\s*$", re.MULTILINE), "pair"),
    # gradle: "48 tests completed, 1 failed, 2 skipped"
    (
        re.compile(r"^(\d+) tests? completed(?:, (\d+) failed)?(?:, (\d+) skipped)?", re.MULTILINE),
        "total",
    ),
    # maven / gradle / junit: "Tests run: 12, Failures: 1, Errors: 0, Skipped: 2"
    (re.compile(r"Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)"), "junit"),
    # dotnet: "Failed!  - Failed: 1, Passed: 11, Skipped: 0"
    (
        re.compile(r"(?:Passed|Failed)!\s+- Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+)"),
        "dotnet",
    ),
    # phpunit: "OK (12 tests, 30 assertions)" / "Tests: 12, Assertions: 30, Failures: 1"
    (re.compile(r"^OK \((\d+) tests?", re.MULTILINE), "ok"),
    (
        re.compile(
            r"^Tests: (\d+), Assertions: \d+(?:, Errors: (\d+))?(?:, Failures: (\d+))?",
            re.MULTILINE,
        ),
        "phpunit",
    ),
    # node --test / TAP: "# pass 10", "# fail 1"
    (
        re.compile(
            r"^[#\u2139] pass (\d+)\s*\n(?:[#\u2139] \w+ \d+\s*\n)*?[#\u2139] fail (\d+)",
            re.MULTILINE,
        ),
        "tap",
    ),
)
_NO_TESTS = screen(
    r"\bno tests ran\b|\bno test files\b|No tests found", re.IGNORECASE, needs=("no test",)
)
_NPM_FAILED = screen(
    r"npm (?:ERR!|error) (?:Test failed|code ELIFECYCLE)|error Command failed|ELIFECYCLE"
    r"|\bBUILD FAILURE\b|\bBUILD FAILED\b|^FAILURES!$|^not ok \d+",
    re.MULTILINE,
    needs=("fail|elifecycle|not ok",),
)


@dataclass(slots=True)
class _Tally:
    passed: int | None = None
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    left_out: int = 0
    packages_ok: bool = False
    packages: int | None = None
    lines: list[str] = field(default_factory=list)

    def add(self, passed: int = 0, failed: int = 0, errors: int = 0, skipped: int = 0) -> None:
        self.passed = (self.passed or 0) + passed
        self.failed += failed
        self.errors += errors
        self.skipped += skipped


def _pytest_and_unittest(text: str, t: _Tally) -> None:
    for match in _PYTEST_LINE.finditer(text):
        counts = {word.rstrip("s"): int(n) for n, word in _PYTEST_ITEM.findall(match.group(0))}
        t.left_out += counts.get("deselected", 0)
        if {"passed", "failed", "error", "skipped", "xfailed"} & counts.keys():
            t.add(
                counts.get("passed", 0),
                counts.get("failed", 0),
                counts.get("error", 0),
                counts.get("skipped", 0),
            )
            t.lines.append(match.group(0).strip("= "))
    if not t.lines:
        _pytest_progress(text, t)
    ran = _UNITTEST_RAN.search(text)
    if ran:
        bad = _UNITTEST_FAILED.search(text)
        details = dict(re.findall(r"(\w+)=(\d+)", bad.group(1))) if bad else {}
        f, e = int(details.get("failures", 0)), int(details.get("errors", 0))
        t.add(int(ran.group(1)) - f - e, f, e, int(details.get("skipped", 0)))
        t.lines.append(ran.group(0) + (f" {bad.group(0)}" if bad else " OK"))


def _pytest_progress(text: str, t: _Tally) -> None:
    """`pytest -qq` prints one character per test and no summary: a dot is a pass. Read only
    a progress that reached 100%, so that output cut short is not read as a whole run."""
    lines = _PYTEST_PROGRESS.findall(text)
    if not lines or not re.search(r"\[100%\]\s*$", text, re.MULTILINE):
        return
    marks = "".join(lines)
    t.add(marks.count("."), marks.count("F"), marks.count("E"), marks.count("s"))
    t.lines.append(f"pytest progress: {marks.count('.')} passed, {marks.count('F')} failed")


def _javascript(text: str, t: _Tally) -> None:
    for pattern in (_JEST_LINE, _VITEST_LINE):
        for match in pattern.finditer(text):
            counts = {w: int(n) for n, w in _COUNT_WORD.findall(match.group(1))}
            t.add(counts.get("passed", 0), counts.get("failed", 0), 0, counts.get("skipped", 0))
            t.lines.append(match.group(0).strip())
    if not t.lines:
        played = {w: int(n) for n, w in _PLAYWRIGHT.findall(text)}
        if played:
            t.add(
                played.get("passed", 0),
                played.get("failed", 0),
                0,
                played.get("skipped", 0) + played.get("did not run", 0),
            )
            t.lines.append(", ".join(f"{n} {w}" for w, n in played.items()))
    if not t.lines:
        for match in _JEST_JSON.finditer(text):
            failed, passed, pending = (int(g) for g in match.groups())
            t.add(passed, failed, 0, pending)
            t.lines.append(f"{passed} passed, {failed} failed (json)")
    mocha = {w: int(n) for n, w in _MOCHA.findall(text)}
    if mocha:
        t.add(mocha.get("passing", 0), mocha.get("failing", 0), 0, mocha.get("pending", 0))
        t.lines.append(", ".join(f"{n} {w}" for w, n in mocha.items()))


def _go_output(text: str, t: _Tally) -> None:
    go_failed, go_packages = len(_GO_FAIL.findall(text)), _GO_PKG.findall(text)
    _go_events(text, t)
    _gotestsum_summary(text, t)
    if not (go_failed or go_packages or _GO_PASS.search(text)):
        return
    failed_packages = go_packages.count("FAIL")
    # Without -v, go test prints packages, not tests: a pass is known, a count is not.
    pass_lines = len(_GO_PASS.findall(text))
    if pass_lines:
        t.add(pass_lines, go_failed or failed_packages)
    else:
        t.failed += go_failed or failed_packages
    t.packages_ok = t.packages_ok or "ok" in go_packages
    if go_packages:
        t.packages = (t.packages or 0) + go_packages.count("ok") + len(_GO_NO_TESTS.findall(text))
    t.lines.append(f"go: {go_packages.count('ok')} ok, {failed_packages} FAIL")


def _go_events(text: str, t: _Tally) -> None:
    """`go test -json`: tests and packages passed, failed and skipped, one event each."""
    tests: dict[str, int] = {"pass": 0, "fail": 0, "skip": 0}
    packages: dict[str, int] = {"pass": 0, "fail": 0, "skip": 0}
    for match in _GO_EVENT.finditer(text):
        counts = tests if '"Test":' in match.group(0) else packages
        counts[match.group(1)] += 1
    if not any(packages.values()) and not any(tests.values()):
        return
    t.add(tests["pass"], tests["fail"] or packages["fail"], 0, tests["skip"])
    t.packages_ok = t.packages_ok or packages["pass"] > 0
    t.packages = (t.packages or 0) + packages["pass"] + packages["skip"]
    t.lines.append(
        f"go -json: {tests['pass']} passed, {tests['fail']} failed;"
        f" {packages['pass']} ok, {packages['fail']} FAIL"
    )


def _gotestsum_summary(text: str, t: _Tally) -> None:
    for match in _GOTESTSUM.finditer(text):
        extra = {
            word.rstrip("s"): int(n)
            for n, word in re.findall(r"(\d+) (skipped|failures?|errors?)", match.group(2))
        }
        skipped, failed = extra.get("skipped", 0), extra.get("failure", 0)
        t.add(int(match.group(1)) - skipped - failed, failed, extra.get("error", 0), skipped)
        t.lines.append(match.group(0))


# bun: " 7 pass", " 1 skip", " 0 fail" on lines of their own, then "Ran 7 tests across 2 files."
_BUN_COUNT = re.compile(r"^\s*(\d+) (pass|fail|skip|todo)\s*$", re.MULTILINE)
# deno: "ok | 9 passed | 0 failed (21ms)", "FAILED | 4 passed (3 steps) | 2 failed | 1 ignored"
_DENO = re.compile(
    r"^(ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?"
    r"(?: \| (\d+) ignored)?",
    re.MULTILINE,
)


def _bun_and_deno(text: str, t: _Tally) -> None:
    counts: dict[str, int] = {}
    for number, word in _BUN_COUNT.findall(text):
        counts[word] = counts.get(word, 0) + int(number)
    if "pass" in counts and "fail" in counts:
        t.add(counts["pass"], counts["fail"], 0, counts.get("skip", 0) + counts.get("todo", 0))
        t.lines.append(f"{counts['pass']} pass, {counts['fail']} fail")
    for match in _DENO.finditer(text):
        t.add(int(match.group(2)), int(match.group(3)), 0, int(match.group(4) or 0))
        t.lines.append(match.group(0))


def _rust(text: str, t: _Tally) -> None:
    for match in _CARGO.finditer(text):
        t.add(int(match.group(2)), int(match.group(3)), 0, int(match.group(4)))
        t.left_out += int(match.group(5) or 0)
        t.lines.append(match.group(0))
    for match in _NEXTEST.finditer(text):
        t.add(int(match.group(2)), int(match.group(3) or 0), 0, int(match.group(4) or 0))
        t.lines.append(match.group(0))


def _other_runners(text: str, t: _Tally) -> None:
    if t.lines:
        return
    for pattern, kind in _OTHERS:
        match = pattern.search(text)
        if match is None:
            continue
        n = [int(g) if g else 0 for g in match.groups()]
        if kind == "total":
            t.add(n[0] - n[1] - n[2], n[1], 0, n[2])
        elif kind == "junit":
            t.add(n[0] - n[1] - n[2] - n[3], n[1], n[2], n[3])
        elif kind == "dotnet":
            t.add(n[1], n[0], 0, n[2])
        elif kind == "ok":
            t.add(n[0])
        elif kind == "ctest":
            t.add(n[1] - n[0], n[0])
        elif kind == "fraction":
            t.add(n[0], n[1] - n[0])
        elif kind == "phpunit":
            t.add(n[0] - n[1] - n[2], n[2], n[1])
        else:
            t.add(n[0], n[1])
        t.lines.append(match.group(0).strip())
        return


# What a workspace run puts before each line of a package's output: pnpm's `packages/ui test: `,
# turbo's `@acme/ui:test: `, yarn's `[@acme/ui]: `
_PREFIX = re.compile(
    r"^(?:@?[\w.-]+(?:/[\w.-]+)+ [\w:-]+: |@?[\w./-]+:[\w-]+: |\[@?[\w./-]+\]:? )", re.MULTILINE
)


def _unprefixed(text: str) -> tuple[str, int]:
    """`text` without the package prefixes of a workspace run, when at least two lines carry
    one (the runner's summary lines then start their lines, as its readers expect), and how
    many packages printed lines."""
    prefixes = _PREFIX.findall(text)
    if len(prefixes) < 2:
        return text, 0
    return _PREFIX.sub("", text), len(set(prefixes))


def parse_outcome(
    text: str, *, is_error: bool = False, exit_code: int | None = None, echoed: bool = True
) -> RunOutcome:
    """Read what a test run's output says (`is_error`: the tool reported a failure; `echoed`:
    a status the command echoes, `echo "exit: $?"`, is the run's own, not a pipe's)."""
    t = _Tally()
    text, workspace = _unprefixed(text)
    readers = (_pytest_and_unittest, _javascript, _bun_and_deno, _go_output, _rust, _other_runners)
    for reader in readers:
        reader(text, t)
    matrix = matrix_result(text)
    if matrix is not None:
        t.errors += len(matrix.failed)
        t.lines.append(matrix.summary)
    if exit_code is None:
        shown = text if echoed else _ECHOED_STATUS.sub("", text)
        codes = [int(c) for c in _EXIT.findall(shown)]
        codes += [int(c) for c in _RC.findall(text)] if echoed else []
        exit_code = codes[-1] if codes else None
    bad_exit = (exit_code is not None and exit_code != 0) or is_error
    low = folded(text)
    bad_exit = bad_exit or bool(_NPM_FAILED.search(text, low))
    if t.failed or t.errors or bad_exit:
        ok: bool | None = False
    elif (
        t.passed
        or t.packages_ok
        or (matrix is not None and matrix.passed)
        or _BUILD_PASSED.search(text)
    ):
        ok = True
    else:
        # No summary: a failure the runner printed (a traceback, a panic, a FAIL line) still
        # shows the run did not pass, as when its summary was cut off.
        shows = _NO_TESTS.search(text, low) or _FAILURE_SIGNS.search(text, low)
        ok = False if shows else None
    if workspace and t.lines and t.packages is None:
        t.packages = workspace
    summary = "; ".join(t.lines)[:300]
    return RunOutcome(
        t.passed, t.failed, t.errors, t.skipped, exit_code, ok, summary, t.left_out, t.packages
    )
