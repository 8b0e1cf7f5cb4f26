"""Tests left out by configuration rather than by a skip marker: an entry added to a runner's
ignore list, a test target switched off in a build manifest, a platform gate put on a test
that fails on its values. Each names the test it leaves out, so a caller can tell it from
ignoring build output (`dist/`, `node_modules/`)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

__all__ = [
    "disabled_target",
    "filtered_targets",
    "is_manifest",
    "value_failure",
    "widened_exclusion",
]

_EXCLUDE_KEY = re.compile(
    r"\b(?:testPathIgnorePatterns|modulePathIgnorePatterns|testIgnore|collect_ignore(?:_glob)?"
    r"|norecursedirs)\b|--ignore(?:-glob)?\b|--deselect\b"
)
_LOOSE_KEY = re.compile(r"\b(?:exclude[sd]?|ignore_?patterns?|skip)\b", re.IGNORECASE)
_RUNNER_WORD = re.compile(r"\b(?:tests?|specs?|jest|vitest|pytest|mocha|nextest|ava)\b")
_QUOTED = re.compile(r"[\"'][^\"'\n]*[\"']")
_ENTRY = re.compile(r"[\"']([^\"'\n]+)[\"']|--(?:ignore(?:-glob)?|deselect)[= ](\S+)")
_BUILD_OUTPUT = re.compile(
    r"(?:^|[/*<>])(?:node_modules|dist|build|out|target|coverage|vendor|\.?venv|\.cache|\.tox"
    r"|tmp|__pycache__|\.git|\.next|lib-cov|site-packages|docs?|examples?|benchmarks?|fixtures?"
    r"|__fixtures__|__mocks__|mocks?|helpers?|snapshots?|__snapshots__|setup)(?:$|[/*<>.])",
    re.IGNORECASE,
)
_LOOK_BACK = 5  # lines above an entry where its list's key may stand
_MANIFEST = re.compile(
    r"(?:^|/)(?:Cargo\.toml|pyproject\.toml|package\.json|pom\.xml|build\.gradle(?:\.kts)?"
    r"|[^/]+\.csproj|deno\.jsonc?)$"
)
_TARGET_OFF = re.compile(
    r"^\s*(?:test|autotests|harness|doctest)\s*=\s*false\b|<skipTests>\s*true|maven\.test\.skip"
    r"|\btest\s*\{[^}\n]*\bexclude\b|\benabled\s*=\s*false\b",
    re.MULTILINE,
)
_VALUE_FAILURE = re.compile(
    r"assertion (?:`[^`]*` )?failed|\bAssertionError\b|\bleft == right\b|\bwant\b|\bexpected\b"
    r"|\bExpected\b|\bReceived\b|\btoEqual\b|\btoBe\b|\bmismatch\b|!=",
)
_ENVIRONMENT_FAILURE = re.compile(
    r"\b(?:ModuleNotFoundError|ImportError|FileNotFoundError|PermissionError|OSError"
    r"|not supported|unsupported|No such file|command not found|cannot find|not found in PATH)\b",
    re.IGNORECASE,
)


def is_manifest(path: str) -> bool:
    """Whether `path` is a build manifest that can declare or switch off test targets."""
    return bool(_MANIFEST.search(path))


def widened_exclusion(before: str, after: str) -> tuple[str, str] | None:
    """An entry an edit adds to a list of tests to leave out (`testPathIgnorePatterns`,
    `collect_ignore`, `--ignore=`, `exclude`), with the line that holds it, unless every new
    entry names build output, vendored code or helpers rather than tests."""
    old_entries = {e for line in before.splitlines() for e in _entries(line)}
    lines = after.splitlines()
    old_lines = set(before.splitlines())
    for index, line in enumerate(lines):
        if line in old_lines:
            continue
        context = "\n".join(lines[max(0, index - _LOOK_BACK) : index + 1])
        bare = _QUOTED.sub("", context)
        if not (
            _EXCLUDE_KEY.search(context) or (_LOOSE_KEY.search(bare) and _RUNNER_WORD.search(bare))
        ):
            continue
        for entry in _entries(line):
            if entry not in old_entries and _names_tests(entry):
                return entry, line.strip()[:200]
    return None


def disabled_target(before: str, after: str) -> str | None:
    """A line an edit adds to a build manifest that stops a test target from running
    (`test = false` under `[[test]]`, `<skipTests>true`)."""
    old = set(before.splitlines())
    for line in after.splitlines():
        if line not in old and _TARGET_OFF.search(line):
            return line.strip()[:200]
    return None


def value_failure(output: str) -> bool:
    """Whether a failing run's output shows a test failing on its values (an assertion
    comparing what it got with what it wanted), not on its environment (a missing module,
    an unsupported call): a platform gate then hides a wrong answer, not a missing feature."""
    return bool(_VALUE_FAILURE.search(output)) and not _ENVIRONMENT_FAILURE.search(output)


def _entries(line: str) -> list[str]:
    return [quoted or flagged for quoted, flagged in _ENTRY.findall(line) if quoted or flagged]


def _names_tests(entry: str) -> bool:
    """An ignore entry that names tests or code, not build output: `src/__tests__/x.test.ts`,
    `packages/legacy-*/`, `tests/test_io.py`."""
    if _BUILD_OUTPUT.search(entry):
        return False
    parts = [p for p in PurePosixPath(entry).parts if sum(c.isalpha() for c in p) > 1]
    return bool(parts) and parts[-1] != "<rootDir>"


# A test run's targets listed by a command that drops some (`$(shell go list ./... | grep -v
# /internal/codec)`, `$(go list ./... | grep -v /ledger)`, `find … | grep -v slow`)
_FILTERED_LIST = re.compile(
    r"\$\((?:shell\s+)?[^()\n]*\|\s*(?:e?grep|rg)\s+(?:-\w+\s+)*(?:-\w*v\w*|--invert-match)\s"
    r"[^()\n]*\)"
)
_RUNS_TESTS = re.compile(
    r"\b(?:go test|cargo test|py\.?test|jest|vitest|mocha|npm test|(?:p?npm|yarn) run test)\b"
)


def filtered_targets(before: str | None, after: str) -> str | None:
    """The list of test targets an edit adds that a filter takes some out of, in a file that
    runs tests (a Makefile, a script): `go test -race $(PKGS)` after `PKGS := $(shell go list
    ./... | grep -v /internal/codec)` runs all packages but the one named."""
    old = set((before or "").splitlines())
    if not _RUNS_TESTS.search(after):
        return None
    for line in after.splitlines():
        if line in old:
            continue
        found = _FILTERED_LIST.search(line)
        if found is not None:
            return line.strip()[:200]
    return None
