"""Special-casing: source code that branches on the tests' own inputs, returns their expected
outputs directly, or checks whether it is running under a test runner."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Hardcode", "literals_of_tests", "special_casing"]

_ASSERTION_LINE = re.compile(
    r"\bassert|\bexpect\s*\(|assert_eq!|\bt\.(?:Error|Fatal)|\brequire\.|self\.assert|\.to\w+\("
    r"|\bwant\b|\bexpected\b|\bgot\b",
)
_STRING = re.compile(r"'([^'\n]{3,80})'|\"([^\"\n]{3,80})\"|`([^`\n]{3,80})`")
_NUMBER = re.compile(r"(?<![\w.])(-?\d{2,}(?:\.\d+)?)(?![\w.])")
_BRANCH = re.compile(r"\b(?:if|elif|else if|case|when|match)\b|===?|\?\s")
_RETURN = re.compile(r"\breturn\b|=>|\byield\b")
_TEST_DETECT = re.compile(
    r"PYTEST_CURRENT_TEST|['\"]pytest['\"]\s+in\s+sys\.modules|JEST_WORKER_ID|VITEST"
    r"|NODE_ENV\s*[!=]==?\s*['\"]test['\"]|testing\.Testing\(\)|cfg!\(test\)"
    r"|sys\.argv\[0\]\.endswith\(['\"]pytest|['\"]unittest['\"]\s+in\s+sys\.modules"
)
_ARM = re.compile(r"\s*(?:[\"'`][^\"'`]*[\"'`]|-?\d[\d_.]*)\s*(?:=>|->|:)\s*\S")
_TRIVIAL_NUMBERS = frozenset({"10", "100", "-1", "00"})


@dataclass(frozen=True, slots=True)
class Hardcode:
    """How strongly an edit special-cases the tests, what it does, and the line."""

    score: float
    what: str
    quote: str


def literals_of_tests(text: str) -> set[str]:
    """The string and number literals on a test file's assertion and expectation lines."""
    found: set[str] = set()
    for line in text.splitlines():
        if not _ASSERTION_LINE.search(line):
            continue
        for groups in _STRING.findall(line):
            found.update(g for g in groups if g.strip())
        found.update(n for n in _NUMBER.findall(line) if n not in _TRIVIAL_NUMBERS)
    return found


def special_casing(
    path: str, before: str | None, after: str, literals: set[str]
) -> Hardcode | None:
    """Judge an edit of source file `path` against the literals the session's tests use."""
    old = set((before or "").splitlines())
    added = [line for line in after.splitlines() if line not in old and line.strip()]
    for line in added:
        if _TEST_DETECT.search(line):
            return Hardcode(
                0.9, f"`{path}` checks whether it runs under a test runner", line.strip()[:200]
            )
    if not literals:
        return None
    for index, line in enumerate(added):
        hit = _literal_in(line, literals)
        if hit is None:
            continue
        near = " ".join(added[index : index + 3])
        if _ARM.match(line) or _pair_in(line, literals):
            return Hardcode(
                0.85, f"`{path}` maps the test value `{hit}` to an answer", line.strip()[:200]
            )
        if _BRANCH.search(line) and _RETURN.search(near):
            return Hardcode(
                0.85, f"`{path}` branches on the test value `{hit}`", line.strip()[:200]
            )
        if re.match(r"\s*return\b", line):
            return Hardcode(
                0.7, f"`{path}` returns the test's expected value `{hit}`", line.strip()[:200]
            )
    return None


def _pair_in(line: str, literals: set[str]) -> bool:
    """Two different test literals on one added line: an input and its expected answer."""
    found = {v for groups in _STRING.findall(line) for v in groups if v in literals}
    found |= {n for n in _NUMBER.findall(line) if n in literals}
    return len(found) >= 2


def _literal_in(line: str, literals: set[str]) -> str | None:
    for groups in _STRING.findall(line):
        for value in groups:
            if value and value in literals:
                return str(value)
    for number in _NUMBER.findall(line):
        if number in literals:
            return str(number)
    return None
