"""Test runners: which commands run tests and whether they run all of them; what a run
said is read by `_outcomes`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from watchkeeper.monitors.integrity._screens import folded, screen
from watchkeeper.normalize import Command

__all__ = ["TestRun", "find_test_run"]

_PY = re.compile(r"python[0-9.]*$")
_JS_RUNNERS = frozenset({"jest", "vitest", "mocha", "ava", "tap", "playwright"})
_LAUNCHERS = frozenset({"npx", "bunx", "pnpx"})
_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_SHELLS = frozenset({"bash", "sh", "zsh"})
_SCRIPT_HOSTS = _SHELLS | {"node", "deno", "bun", "tsx", "ts-node"}  # run a script named first
_SUBCOMMANDS = frozenset({"uv", "poetry", "pipenv", "hatch", "pdm", "rye", "bundle", "coverage"})
_TASK_RUNNERS = frozenset({"just", "task", "nx", "turbo", "invoke", "rake"})
# the project's own test or CI script (`./scripts/test.sh`, `./ci.sh`, `bin/check.sh`)
_TEST_SCRIPT = screen(
    r"(?:^|/)(?:run[-_]?(?:tests?|e2e|specs?|integration(?:[-_]tests?)?)|runtests|test|ci|check)"
    r"\.(?:sh|py|js|mjs|cjs|ts)$",
    needs=(".sh|.py|.js|.mjs|.cjs|.ts", "run|test.|ci.|check."),
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
_TARGET_RUNNERS = frozenset({"bazel", "bazelisk", "buck", "buck2", "pants", "please"})
_SUITE_DIRS = frozenset({"test", "tests", "spec", "specs", "__tests__"})


@dataclass(frozen=True, slots=True)
class TestRun:
    """A command that runs tests: the runner, whether it runs the whole suite, and why not;
    `workspace` names the packages of a monorepo it was limited to (`pnpm --filter ui test`),
    all of their own suites, but not the workspace's."""

    __test__ = False  # not a pytest test class

    runner: str
    full: bool
    narrowing: str = ""
    workspace: str = ""


# Options that list or collect tests instead of running them
_LISTS = frozenset(
    {"--list", "--collect-only", "--co", "--listTests", "-list", "--list-tests", "--version"}
    | {"--help"}
)  # (and `--version`, `--help`: the runner asked about itself)


def find_test_run(commands: Sequence[Command]) -> TestRun | None:
    """Return the test run among `commands` (a shell line's commands), if there is one: the
    first that runs the whole suite, else the first (`pytest tests/x.py && pytest -q` ran
    the whole suite too). A runner asked only to list its tests runs none."""
    runs = [
        r
        for c in commands
        if _LISTS.isdisjoint(c.argv) and (r := _classify(c.name, c.argv)) is not None
    ]
    return next((r for r in runs if r.full), runs[0] if runs else None)


# rspec's, phpunit's and ctest's options that keep only the tests they name, and those that
# take a value which is no target (`--format documentation`, `-j 8`)
_NAME_OPTIONS = frozenset(
    {"-e", "--example", "-t", "--tag", "--filter", "--testsuite", "--group", "-R", "-E", "-L"}
)
_VALUED_OPTIONS = frozenset(
    {"-f", "--format", "-o", "--out", "-r", "--require", "-I", "--seed", "--order", "-c"}
    | {"--configuration", "-j", "--parallel", "-C", "--build-config", "--jobs"}
)


def _classify(name: str, argv: Sequence[str]) -> TestRun | None:
    if name not in _RUNNERS and not _PY.match(name) and not _TEST_SCRIPT.search(name, folded(name)):
        return None  # a program no rule below is about (`git`, `ls`, `curl`)
    args = list(argv[1:])
    if name in ("pytest", "py.test"):
        return _pytest(args)
    if _PY.match(name) and args[:2] in (["-m", "pytest"], ["-m", "unittest"]):
        return _pytest(args[2:]) if args[1] == "pytest" else _unittest(args[2:])
    if _PY.match(name) and args[:2] in (["manage.py", "test"], ["setup.py", "test"]):
        return _unittest(args[2:])
    if _TEST_SCRIPT.search(name, folded(name)) or (
        (name in _SCRIPT_HOSTS or _PY.match(name))
        and args
        and _TEST_SCRIPT.search(args[0], folded(args[0]))
    ):
        return TestRun("script", True)
    if name in ("node", "bun", "deno") and args[:1] in (["--test"], ["test"]):
        files = [a for a in args[1:] if not a.startswith("-") and "." in a.rsplit("/", 1)[-1]]
        return TestRun(name, not files, " ".join(files))
    if name in _TASK_RUNNERS and _MAKE_TARGETS & set(args):
        return TestRun(name, True)
    if name in ("rspec", "phpunit", "ctest", "bats") or (name == "deno" and args[:1] == ["test"]):
        operands = args[1:] if name == "deno" else args  # deno's own `test` is not a target
        values = {i + 1 for i, a in enumerate(operands) if a in _VALUED_OPTIONS | _NAME_OPTIONS}
        named = [f"{a} {b}" for a, b in pairwise(operands) if a in _NAME_OPTIONS]
        targets = [
            a
            for i, a in enumerate(operands)
            if not a.startswith("-") and i not in values and a.strip("./") not in _SUITE_DIRS
        ]  # `rspec spec`: the suite's own folder is all of it
        reason = " ".join([*named, *targets])
        return TestRun(name, not reason, reason)
    if name == "dotnet" and args[:1] == ["test"]:
        return TestRun(name, "--filter" not in args, "--filter" if "--filter" in args else "")
    if name in _LAUNCHERS and args:
        return _classify(args[0], args)
    scripted = _project_script(name, args)
    if scripted is not None:
        return scripted
    if name in _WRAPPERS or (
        name in _ENV_LAUNCHERS and (name not in _SUBCOMMANDS or args[:1] in (["run"], ["exec"]))
    ):
        # `uv run pytest`, `poetry run pytest`, `uvx --with x pytest`: the first runner named
        inner = next((i for i, a in enumerate(args) if _classify(a, args[i:]) is not None), None)
        return None if inner is None else _classify(args[inner], args[inner:])
    if name in _JS_RUNNERS:
        return _js(name, args)
    if name in _PACKAGE_MANAGERS and args and args[0].startswith("-"):
        rest = _after_options(name, args)  # `pnpm -r test`, `npm --prefix web test`
        found = _classify(name, [name, *rest]) if rest else None
        chosen = _workspaces(name, args[: len(args) - len(rest)])
        return replace(found, workspace=chosen) if found is not None and chosen else found
    if name == "yarn" and args[:1] == ["workspace"] and len(args) > 2:
        found = _classify(name, [name, *args[2:]])  # `yarn workspace @acme/ui test`
        return replace(found, workspace=f"workspace {args[1]}") if found is not None else None
    if name in _PACKAGE_MANAGERS and args and args[0] in _JS_RUNNERS:
        return _js(args[0], args[1:])  # `pnpm vitest`, `yarn jest`
    if name in _PACKAGE_MANAGERS and args:
        script = args[1] if args[0] == "run" and len(args) > 1 else args[0]
        if script == "t" or script.startswith("test"):
            rest = args[args.index("--") + 1 :] if "--" in args else []
            # `npm test -- --silent` passes output flags on: only filters and files narrow
            reason = _js(name, rest).narrowing
            own = args[: args.index("--")] if "--" in args else args
            return TestRun(name, not reason, reason, _workspaces(name, own))
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
    if name in _TARGET_RUNNERS and args[:1] == ["test"]:
        # `bazel test //...`, `pants test ::`: a pattern over the tree is the whole suite
        targets = [a for a in args[1:] if not a.startswith("-")]
        named = [t for t in targets if not t.endswith(("...", "::", ":all"))]
        return TestRun(name, not named, " ".join(named))
    if name in ("tox", "nox"):
        return TestRun(name, "-e" not in args and "-s" not in args)
    if name == "make" and _MAKE_TARGETS & set(args):
        return TestRun("make", True)
    return _build_tool(name, args)


# Project managers whose `run` runs a script the project declares (`hatch run test`, `hatch run
# dev:test`, `pdm run test`); hatch's own `hatch test` runs pytest over its matrix
_SCRIPT_RUNNERS = frozenset({"hatch", "pdm", "rye"})
_HATCH_VALUED = frozenset(
    {"-py", "--python", "-i", "--include", "-x", "--exclude", "--retries", "--retry-delay"}
)


def _project_script(name: str, args: list[str]) -> TestRun | None:
    """`hatch test [pytest args]`, or a project script named for tests run by its manager
    (`hatch run test`, `hatch run +py=3.12 lint:test -k x`): pytest with the args passed on."""
    if name not in _SCRIPT_RUNNERS or not args:
        return None
    if name == "hatch" and args[0] == "test":
        rest = args[1:]
        values = {i + 1 for i, a in enumerate(rest) if a in _HATCH_VALUED}
        own = _HATCH_FLAGS | _HATCH_VALUED
        return _pytest([a for i, a in enumerate(rest) if i not in values and a not in own])
    if args[0] != "run":
        return None
    words = [a for a in args[1:] if not a.startswith("+")]  # `+py=3.12`: a matrix selection
    script = words[0].rsplit(":", maxsplit=1)[-1] if words else ""
    if script in ("test", "tests", "t") or script.startswith(("test-", "test_", "tests-")):
        return _pytest(words[1:])
    return None


_HATCH_FLAGS = frozenset(
    {"-a", "--all", "-p", "--parallel", "-c", "--cover", "--cover-quiet", "-r", "--randomize"}
)


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
    words = " ".join(args).split() if name == "sbt" else []
    if name == "sbt" and any(w.startswith(("test", "testOnly", "testQuick")) for w in words):
        narrowing = [w for w in words if w in ("testOnly", "testQuick")]
        return TestRun("sbt", not narrowing, " ".join(narrowing))
    if name in ("mix", "swift", "dart", "flutter", "lein", "stack", "cabal") and args[:1] == [
        "test"
    ]:
        targets = [a for a in args[1:] if not a.startswith("-") or a in ("--filter", "--only")]
        return TestRun(name, not targets, " ".join(targets))
    return None


# Every program `_classify` (with `_project_script` and `_build_tool`) has a rule for, besides
# python and the project's test scripts
_RUNNERS = frozenset(
    {"pytest", "py.test", "rspec", "phpunit", "ctest", "bats", "dotnet", "go", "gotestsum"}
    | {"cargo", "tox", "nox", "make", "gradle", "gradlew", "mvn", "mvnw", "sbt", "mix", "swift"}
    | {"dart", "flutter", "lein", "stack", "cabal"}
    | _SCRIPT_HOSTS
    | _TASK_RUNNERS
    | _LAUNCHERS
    | _SCRIPT_RUNNERS
    | _WRAPPERS
    | _ENV_LAUNCHERS
    | _JS_RUNNERS
    | _PACKAGE_MANAGERS
    | _TARGET_RUNNERS
)


_PM_VALUED = frozenset({"--filter", "-F", "--workspace", "--prefix", "-C", "--dir", "--cwd"})


_CHOOSERS = frozenset({"--filter", "-F", "--workspace"})


def _workspaces(name: str, options: list[str]) -> str:
    """The packages a package manager's options limit it to (`--filter ui`, `--workspace=api`,
    npm's `-w api`; pnpm's `-w` is the workspace root), as written."""
    choosers = _CHOOSERS | {"-w"} if name == "npm" else _CHOOSERS
    chosen = [f"{a} {b}" for a, b in pairwise(options) if a in choosers and not b.startswith("-")]
    chosen += [a for a in options if a.startswith(("--filter=", "--workspace="))]
    return " ".join(chosen)


def _after_options(name: str, args: list[str]) -> list[str]:
    """A package manager's arguments after its leading options (and their values)."""
    valued = _PM_VALUED | {"-w"} if name == "npm" else _PM_VALUED
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in valued else 1
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
    named = ("-run", "--run", "-skip", "--skip")
    # `-run TestX` with the name it keeps; `-short`: tests that check `testing.Short()` skip
    narrowing = [
        f"{a} {args[i + 1]}" if a in named and i + 1 < len(args) else a
        for i, a in enumerate(args)
        if a.split("=", 1)[0] in (*named, "-short")
    ]
    packages = [a for a in args if not a.startswith("-") and a not in ("./...", "...")]
    values = {args[i + 1] for i, a in enumerate(args[:-1]) if a in named}
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
