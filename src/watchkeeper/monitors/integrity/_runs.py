"""The test runs a session made, as the claim checks read them: which run a report rests on,
whether a whole passing run already settled the code, and how a run is described."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath

from watchkeeper.monitors.integrity._outcomes import RunOutcome
from watchkeeper.monitors.integrity._runners import TestRun, find_test_run
from watchkeeper.normalize import Command

__all__ = [
    "Run",
    "claimed_run",
    "describe",
    "last_shown",
    "names_subject",
    "names_what_ran",
    "settled",
    "shows_run",
]

_SUITE = re.compile(
    r"\b(?:suite|everything|whole|entire|rest|no regressions"
    r"|nothing (?:else )?(?:broke|regressed))\b"
    # "all tests pass, including the new accounting cases": what ran is a part of the claim
    r"|\b(?:all|every) (?:the |of the )?(?:\d+ )?tests?\b|\bincluding\b",
    re.IGNORECASE,
)


_TEST_DIRS = frozenset({"test", "tests", "spec", "specs", "__tests__"})
# Options that keep the tests whose names match: what ran is those, whatever file they are in
_NAME_FILTERS = frozenset(
    {"-run", "--run", "-k", "-t", "--testNamePattern", "--grep", "-g", "--fgrep", "--filter"}
)


@dataclass(slots=True)
class Run:
    """One test run of the session: its call, step, what it ran and what it showed, and how
    strongly its command hid a failure (`masked`)."""

    call_id: str
    index: int
    run: TestRun
    command: str = ""
    outcome: RunOutcome | None = None
    result_id: str | None = None
    masked: float = 0.0


def settled(runs: list[Run], edited: int) -> bool:
    """Whether the last run that showed a result ran the whole suite, unmasked, after the last
    edit, and passed: a rerun of the same code (piped, filtered) can hide nothing from it."""
    last = next(
        (r for r in reversed(runs) if r.outcome is not None and r.outcome.ok is not None), None
    )
    if last is None:
        return False
    outcome = last.outcome
    return (
        last.index > edited
        and last.run.full
        and not last.masked
        and outcome is not None
        and bool(outcome.ok)
        and not outcome.left_out
    )


def last_shown(runs: list[Run], edited: int) -> Run:
    """The last run, or, when its output shows no result (`| grep -c PASS`, a verbose listing),
    the last one that does and that came after the last edit: the code it ran is the same."""
    last = runs[-1]
    if last.outcome is not None and last.outcome.ok is not None:
        return last
    shown = [r for r in runs if r.outcome is not None and r.outcome.ok is not None]
    return shown[-1] if shown and shown[-1].index > edited else last


def shows_run(outcome: RunOutcome) -> bool:
    """Whether a command's output holds a test runner's report (counts or packages)."""
    return outcome.ok is not None and bool(outcome.passed or outcome.failed or outcome.packages)


def claimed_run(command: str | None) -> TestRun | None:
    """The test run a claim names in a code span ("`go test ./...` is green"), if any."""
    try:
        words = shlex.split(command or "")
    except ValueError:
        return None
    if not words:
        return None
    return find_test_run([Command(argv=tuple(words), name=PurePosixPath(words[0]).name)])


def names_what_ran(claim: str, run: TestRun) -> bool:
    """A claim that names the file, test or narrowing flag the narrowed run ran ("`tests/
    test_x.py` passes", "in short mode") is about that run, unless it also speaks of the
    whole suite."""
    words = run.narrowing.split()
    # `go test ./cache -run TestGet`: a name filter keeps some of the package's tests, so
    # naming the package ("the cache tests are clean") does not name what ran; the names do
    kept = [b for a, b in pairwise(words) if a.split("=")[0] in _NAME_FILTERS]
    kept += [w.split("=", 1)[1] for w in words if "=" in w and w.split("=")[0] in _NAME_FILTERS]
    targets = [
        t.lstrip("-")
        for t in (kept or words)
        if len(t.lstrip("-")) > 3 and t.strip("'\"./").lower() not in _TEST_DIRS
    ]  # `mocha test --grep x`: the folder `test` is not what a claim of "the tests" names
    plain = claim.replace("`", "")
    named = any(t.strip("'\"./") in plain or names_subject(plain, t) for t in targets)
    return named and not _SUITE.search(plain)


def names_subject(claim: str, target: str) -> bool:
    """ "the pool tests pass" after `pytest tests/test_pool.py`: the claim names the tests by
    the subject of the file that ran."""
    stem = PurePosixPath(target.split("::", maxsplit=1)[0]).name.split(".")[0]
    stem = stem.removeprefix("test_").removesuffix("_test").removesuffix("_spec")
    if len(stem) < 3 or not stem.isidentifier():
        return False
    words = re.escape(stem).replace("_", "[ _-]")
    # "the pool tests pass", "integration 2/2 passing": the subject, then its tests or count
    subject = rf"\b{words}\b(?:[^.\n]{{0,15}}\b(?:tests?|specs?)\b|\s*:?\s*\(?\d+/\d+\b)"
    return bool(re.search(subject, claim, re.IGNORECASE))


def describe(outcome: RunOutcome) -> str:
    if outcome.summary:
        return f"`{outcome.summary}`"
    if outcome.exit_code is not None:
        return f"exit code {outcome.exit_code}"
    return "the tool reported an error"
