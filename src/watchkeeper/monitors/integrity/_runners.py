"""Test runners: which commands run tests, whether they run all of them, and what they said.

Parsers read the summary lines that pytest, unittest, jest, vitest, mocha, go test and
cargo test print (npm/yarn/pnpm/make wrappers print their runner's lines), and exit codes
where the output or the tool result shows them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from watchkeeper.monitors.integrity._matrix import matrix_result
from watchkeeper.normalize import Command

__all__ = ["RunOutcome", "TestRun", "find_test_run", "parse_outcome"]

_PY = re.compile(r"python[0-9.]*$")
_JS_RUNNERS = frozenset({"jest", "vitest", "mocha", "ava", "tap", "playwright"})
_LAUNCHERS = frozenset({"npx", "bunx", "pnpx"})
_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_SHELLS = frozenset({"bash", "sh", "zsh"})
_SUBCOMMANDS = frozenset({"uv", "poetry", "pipenv", "hatch", "pdm", "rye", "bundle", "coverage"})
_TASK_RUNNERS = frozenset({"just", "task", "nx", "turbo", "invoke", "rake"})
# the project's own test or CI script (`./scripts/test.sh`, `./ci.sh`, `bin/check.sh`)
_TEST_SCRIPT = re.compile(
    r"(?:^|/)(?:run[-_]?(?:tests?|e2e|specs?|integration(?:[-_]tests?)?)|runtests|test|ci|check)"
    r"\.(?:sh|py|js|mjs|cjs|ts)$"
)
_ENV_LAUNCHERS = frozenset(
    {
        "uv",
        "uvx",
        "poetry",
        "pipenv",
        "hatch",
        "pdm",
        "rye",
        "coverage",
        "xvfb-run",
        "dotenv",
        "bundle",
    }
)
# Version managers, environments and containers that run the command after their own words
# (`nvm exec 22 npm test`, `conda run -n dev pytest`, `docker compose run app go test ./...`)
_WRAPPERS = frozenset(
    {
        "nvm",
        "fnm",
        "volta",
        "asdf",
        "mise",
        "rtx",
        "direnv",
        "nix",
        "nix-shell",
        "devbox",
        "conda",
        "mamba",
        "micromamba",
        "pixi",
        "docker",
        "podman",
        "kubectl",
    }
)
_MAKE_TARGETS = frozenset({"test", "tests", "check", "ci"})
_SUITE_DIRS = frozenset({"test", "tests", "spec", "specs", "__tests__"})


@dataclass(frozen=True, slots=True)
class TestRun:
    """A command that runs tests: the runner, whether it runs the whole suite, and why not."""

    __test__ = False  # not a pytest test class

    runner: str
    full: bool
    narrowing: str = ""


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


def find_test_run(commands: Sequence[Command]) -> TestRun | None:
    """Return the test run among `commands` (a shell line's commands), if there is one: the
    first that runs the whole suite, else the first (`pytest tests/x.py && pytest -q` ran
    the whole suite too)."""
    runs = [r for c in commands if (r := _classify(c.name, c.argv)) is not None]
    return next((r for r in runs if r.full), runs[0] if runs else None)


def _classify(name: str, argv: Sequence[str]) -> TestRun | None:
    args = list(argv[1:])
    if name in ("pytest", "py.test"):
        return _pytest(args)
    if _PY.match(name) and args[:2] in (["-m", "pytest"], ["-m", "unittest"]):
        return _pytest(args[2:]) if args[1] == "pytest" else _unittest(args[2:])
    if _PY.match(name) and args[:2] in (["manage.py", "test"], ["setup.py", "test"]):
        return _unittest(args[2:])
    if _TEST_SCRIPT.search(name) or (
        (name in _SHELLS | {"node", "deno", "bun", "tsx", "ts-node"} or _PY.match(name))
        and args
        and _TEST_SCRIPT.search(args[0])
    ):
        return TestRun("script", True)
    if name in ("node", "bun", "deno") and args[:1] in (["--test"], ["test"]):
        files = [a for a in args[1:] if not a.startswith("-") and "." in a.rsplit("/", 1)[-1]]
        return TestRun(name, not files, " ".join(files))
    if name in _TASK_RUNNERS and _MAKE_TARGETS & set(args):
        return TestRun(name, True)
    if name in ("rspec", "phpunit", "ctest", "bats") or (name == "deno" and args[:1] == ["test"]):
        return TestRun(name, not [a for a in args[1:] if not a.startswith("-")])
    if name == "dotnet" and args[:1] == ["test"]:
        return TestRun(name, "--filter" not in args, "--filter" if "--filter" in args else "")
    if name in _LAUNCHERS and args:
        return _classify(args[0], args)
    if name in _WRAPPERS or (
        name in _ENV_LAUNCHERS and (name not in _SUBCOMMANDS or args[:1] in (["run"], ["exec"]))
    ):
        # `uv run pytest`, `poetry run pytest`, `uvx --with x pytest`: the first runner named
        inner = next((i for i, a in enumerate(args) if _classify(a, args[i:]) is not None), None)
        return None if inner is None else _classify(args[inner], args[inner:])
    if name in _JS_RUNNERS:
        return _js(name, args)
    if name in _PACKAGE_MANAGERS and args and args[0].startswith("-"):
        args = _after_options(args)  # `pnpm -r test`, `npm --prefix web test`
        return _classify(name, [name, *args]) if args else None
    if name in _PACKAGE_MANAGERS and args and args[0] in _JS_RUNNERS:
        return _js(args[0], args[1:])  # `pnpm vitest`, `yarn jest`
    if name in _PACKAGE_MANAGERS and args:
        script = args[1] if args[0] == "run" and len(args) > 1 else args[0]
        if script == "t" or script.startswith("test"):
            rest = args[args.index("--") + 1 :] if "--" in args else []
            # `npm test -- --silent` passes output flags on: only filters and files narrow
            reason = _js(name, rest).narrowing
            return TestRun(name, not reason, reason)
        if args[0] in ("exec", "dlx", "x") and len(args) > 1:
            return _classify(args[1], args[1:])
    if name == "go" and args[:1] == ["test"]:
        return _go(args[1:])
    if name == "gotestsum":  # `gotestsum [flags] [--] [go test flags]`
        return _gotestsum(args)
    if name == "cargo" and args[:2] == ["insta", "test"]:
        return _cargo([a for a in args[2:] if a not in ("--accept", "--review")])
    if name == "cargo" and args[:1] in (["test"], ["nextest"]):
        return _cargo(args[1:] if args[0] == "test" else args[2:])
    if name in ("tox", "nox"):
        return TestRun(name, "-e" not in args and "-s" not in args)
    if name == "make" and _MAKE_TARGETS & set(args):
        return TestRun("make", True)
    return _build_tool(name, args)


_GRADLE_TASKS = frozenset({"test", "check", "build", "integrationTest", "connectedCheck"})
_MAVEN_PHASES = frozenset({"test", "verify", "install", "package", "integration-test"})
_SKIPS_TESTS = re.compile(r"^-DskipTests\b|^-Dmaven\.test\.skip\b|^-DskipITs\b")


def _build_tool(name: str, args: list[str]) -> TestRun | None:
    """Build tools whose goals run the tests: gradle (`test`, `check`, `build`), maven (`test`,
    `verify`, `package`, `install`), sbt, mix, swift, dart and the like; narrowed by a filter
    (`--tests`, `-Dtest=`, `testOnly`, `-pl`), not a run at all when tests are skipped."""
    if name in ("gradle", "gradlew") and _GRADLE_TASKS & set(args):
        if any(a == "-x" and b in ("test", "check") for a, b in pairwise(args)):
            return None
        narrowing = [f"--tests {b}" for a, b in pairwise(args) if a == "--tests"]
        return TestRun("gradle", not narrowing, " ".join(narrowing))
    if name in ("mvn", "mvnw") and _MAVEN_PHASES & set(args):
        if any(_SKIPS_TESTS.match(a) for a in args):
            return None
        narrowing = [a for a in args if a.startswith(("-Dtest=", "-Dit.test="))]
        narrowing += [f"{a} {b}" for a, b in pairwise(args) if a == "-pl"]
        return TestRun("maven", not narrowing, " ".join(narrowing))
    words = " ".join(args).split()
    if name == "sbt" and any(w.startswith(("test", "testOnly", "testQuick")) for w in words):
        narrowing = [w for w in words if w in ("testOnly", "testQuick")]
        return TestRun("sbt", not narrowing, " ".join(narrowing))
    if name in ("mix", "swift", "dart", "flutter", "lein", "stack", "cabal") and args[:1] == [
        "test"
    ]:
        targets = [a for a in args[1:] if not a.startswith("-") or a in ("--filter", "--only")]
        return TestRun(name, not targets, " ".join(targets))
    return None


_PM_VALUED = frozenset({"--filter", "-F", "--workspace", "--prefix", "-C", "--dir", "--cwd"})


def _after_options(args: list[str]) -> list[str]:
    """A package manager's arguments after its leading options (and their values)."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in _PM_VALUED else 1
    return args[index:]


# fmt: off
_PYTEST_VALUED = frozenset({
    "-p", "-c", "-o", "-n", "-W", "-r", "--tb", "--rootdir", "--maxfail", "--timeout", "--cov",
    "--cov-report", "--junitxml", "--basetemp", "--durations", "--log-level", "--dist",
    "--confcutdir", "--capture", "--color", "--import-mode",
})
_JS_NARROWING = frozenset({
    "-t", "--testNamePattern", "--grep", "-g", "--onlyChanged", "-o", "--changed",
    "--testPathIgnorePatterns", "--testPathPattern", "--exclude", "--fgrep", "--invert",
    "--selectProjects", "--shard", "--project",
})
# fmt: on
_PYTEST_NARROWING = frozenset(
    {"-k", "--lf", "--last-failed", "-m", "--deselect", "--ignore", "--ignore-glob"}
)


def _pytest(args: list[str]) -> TestRun:
    narrowing = [a for a in args if a.split("=", 1)[0] in _PYTEST_NARROWING]
    values = {
        i + 1
        for i, a in enumerate(args)
        if a in _PYTEST_VALUED or a in _PYTEST_NARROWING - {"--lf", "--last-failed"}
    }
    targets = [
        a
        for i, a in enumerate(args)
        if i not in values and not a.startswith("-") and _looks_specific(a)
    ]
    reason = " ".join([*narrowing, *targets])
    return TestRun("pytest", not reason, reason)


def _unittest(args: list[str]) -> TestRun:
    # `discover -s tests`: the suite's own folder is all of it
    targets = [
        a
        for a in args
        if not a.startswith("-") and a != "discover" and a.strip("./") not in _SUITE_DIRS
    ]
    named = [a for a in args if a == "-k"]
    reason = " ".join([*named, *targets])
    return TestRun("unittest", not reason, reason)


def _js(name: str, args: list[str]) -> TestRun:
    if name == "vitest" and args[:1] in (["run"], ["watch"]):
        args = args[1:]
    narrowing = [a for a in args if a.split("=", 1)[0] in _JS_NARROWING]
    # `mocha --recursive test`: the suite's own folder is all of it
    targets = [a for a in args if not a.startswith("-") and a.strip("./") not in _SUITE_DIRS]
    reason = " ".join([*narrowing, *targets])
    return TestRun(name, not reason, reason)


def _go(args: list[str]) -> TestRun:
    narrowing = [
        a for a in args if a.split("=", 1)[0] in ("-run", "--run", "-skip", "--skip", "-short")
    ]  # `-short`: tests that check `testing.Short()` skip themselves
    packages = [a for a in args if not a.startswith("-") and a not in ("./...", "...")]
    values = {
        args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-run", "--run", "-skip", "--skip")
    }
    packages = [p for p in packages if p not in values]
    reason = " ".join([*narrowing, *packages])
    return TestRun("go test", not reason, reason)


def _gotestsum(args: list[str]) -> TestRun:
    own = args[: args.index("--")] if "--" in args else args
    found = _go(args[args.index("--") + 1 :] if "--" in args else [])
    packages = [
        value
        for i, a in enumerate(own)
        for value in (
            [a.split("=", 1)[1]]
            if a.startswith("--packages=")
            else own[i + 1 : i + 2]
            if a == "--packages"
            else []
        )
    ]
    narrowing = " ".join(
        [found.narrowing, *(p for p in " ".join(packages).split() if p not in ("./...", "..."))]
    ).strip()
    return TestRun("gotestsum", not narrowing, narrowing)


def _cargo(args: list[str]) -> TestRun:
    before = args[: args.index("--")] if "--" in args else args
    flags_with_values = ("-p", "--package", "--features", "--target", "-j", "--test", "--bin")
    filters = [
        a
        for i, a in enumerate(before)
        if not a.startswith("-") and (i == 0 or before[i - 1] not in flags_with_values)
    ]
    named = [a for a in before if a in ("--test", "--lib", "--bin")]
    if not {"--workspace", "--all"} & set(before):  # one member of a workspace
        named += [
            f"{a} {before[i + 1]}" for i, a in enumerate(before[:-1]) if a in ("-p", "--package")
        ]
        named += [a for a in before if a.startswith("--package=")]
    after = args[args.index("--") + 1 :] if "--" in args else []
    named += [a for a in after if a in ("--skip", "--exact", "--ignored")]
    reason = " ".join([*named, *filters])
    return TestRun("cargo test", not reason, reason)


def _looks_specific(arg: str) -> bool:
    """A pytest operand that names one file, test or sub-directory rather than the suite."""
    if "::" in arg or arg.endswith(".py"):
        return True
    return arg.rstrip("/").removeprefix("./") not in ("", ".", "tests", "test", "testing", "src")


# ---------------------------------------------------------------------------- outcomes

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
_GO_PKG = re.compile(r"^(ok|FAIL)\s+\S+", re.MULTILINE)
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
_FAILURE_SIGNS = re.compile(
    r"^\s*(?:FAIL|FAILED|ERROR)\b|\bpanicked at\b|^Traceback \(most recent call last\)"
    r"|\bAssertionError\b|^\s*[\u2718\u2717\u00d7\u276f]\s|\bTest timed out\b|^WARNING: DATA RACE"
    r"|^\s+at (?:Context|Object|Test)\.<anonymous> |\bassertion (?:`[^`]*` )?failed\b"
    # the code under test did not build: go's `file.go:12:5: undefined: x`, rustc, tsc, pytest
    r"|^[\w./-]+\.go:\d+:\d+: |\[build failed\]|^error(?:\[E\d{4}\])?: |\berror TS\d+:"
    r"|\bwhile loading conftest\b|^ERROR collecting\b|\berrors? during collection\b",
    re.MULTILINE,
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
_NO_TESTS = re.compile(r"\bno tests ran\b|\bno test files\b|No tests found", re.IGNORECASE)
_NPM_FAILED = re.compile(
    r"npm (?:ERR!|error) (?:Test failed|code ELIFECYCLE)|error Command failed|ELIFECYCLE"
    r"|\bBUILD FAILURE\b|\bBUILD FAILED\b|^FAILURES!$|^not ok \d+",
    re.MULTILINE,
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


def parse_outcome(
    text: str, *, is_error: bool = False, exit_code: int | None = None, echoed: bool = True
) -> RunOutcome:
    """Read what a test run's output says (`is_error`: the tool reported a failure; `echoed`:
    a status the command echoes, `echo "exit: $?"`, is the run's own, not a pipe's)."""
    t = _Tally()
    for reader in (_pytest_and_unittest, _javascript, _go_output, _rust, _other_runners):
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
    bad_exit = bad_exit or bool(_NPM_FAILED.search(text))
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
        ok = False if _NO_TESTS.search(text) or _FAILURE_SIGNS.search(text) else None
    summary = "; ".join(t.lines)[:300]
    return RunOutcome(
        t.passed, t.failed, t.errors, t.skipped, exit_code, ok, summary, t.left_out, t.packages
    )
