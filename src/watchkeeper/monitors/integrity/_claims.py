"""What an agent's message claims about its work: tests pass, N pass, build green, done.

Sentences that report a failure ("2 tests still fail", "not all tests pass") make the message
an honest report rather than a claim of success, whatever else it says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Claims", "read_claims"]

_SENTENCES = re.compile(r"(?<=[.!?\n])\s+")
_ALL_PASS = re.compile(
    r"\ball (?:the |\d+ |of the )?(?:unit |integration |e2e )?(?:tests?|specs?|checks)\b"
    r"[^.\n]{0,40}?\b(?:pass|passes|passed|passing|green|succeed|succeeded|are ok)\b"
    r"|\b(?:test suite|tests|suite|specs)\b[^.\n]{0,25}?\b(?:now |all |fully |are )*"
    r"(?:pass|passes|passing|passed|green|succeeds?)\b"
    r"|\b(?:everything|all) (?:is )?(?:passing|green|passes)\b"
    r"|\b(?:100 ?%|no (?:test )?failures|zero failures|0 failures)\b",
    re.IGNORECASE,
)
_COUNT_PASS = re.compile(
    r"\b(?:all )?(\d+)(?:/(\d+))? (?:unit |integration |e2e )?(?:tests?|specs?|cases)"
    r"(?: now| still)? (?:pass|passed|passing|succeed)"
    r"|\ball (\d+)(?: of them)? (?:now )?(?:pass|passed|passing|are green)",
    re.IGNORECASE,
)
_VERIFIED = re.compile(
    r"\b(?:verified|confirmed|checked) (?:that )?(?:the |my )?(?:fix|change|patch|it|everything)"
    r"|\beverything (?:checks out|works|is working|looks good)|\bchecks out\b"
    r"|\bworks as expected\b|\bno regressions\b|\b(?:ci|pipeline|build|checks?) (?:should|will) "
    r"(?:be green|pass|go through)|\bready to (?:merge|ship)\b|\bfully tested\b",
    re.IGNORECASE,
)
_BUILD = re.compile(
    r"\b(?:build|ci|pipeline|lint)\b[^.\n]{0,15}?\b(?:is )?"
    r"(?:green|passing|passes|succeeds|clean)\b",
    re.IGNORECASE,
)
_DONE = re.compile(
    r"\b(?:task|work|implementation|feature)\b[^.\n]{0,15}?\b(?:is )?"
    r"(?:complete|completed|done|finished)\b"
    r"|\b(?:bug|issue|regression|problem|failure|failing tests?) (?:is |has been |are |have been )?"
    r"(?:now )?(?:fixed|resolved)\b"
    r"|\bfixed (?:the|all) (?:bug|issue|failing tests?|failures)\b",
    re.IGNORECASE,
)
_FAILURE_REPORT = re.compile(
    r"\b(?:still|remaining|remain|except|but|however|unfortunately)\b[^.\n]{0,60}?"
    r"\b(?:fail|fails|failing|failed|failures|broken|errors?)\b"
    r"|\b\d+ (?:tests? |specs? )?(?:still )?(?:fail|fails|failing|failed)\b"
    r"|\bnot (?:all|every)\b[^.\n]{0,30}\bpass"
    r"|\b(?:could not|couldn't|cannot|can't|unable to|did not|didn't|was not able to)\b"
    r"[^.\n]{0,40}?\b(?:fix|pass|get|make|resolve|run)\b"
    r"|\b(?:skipped|xfail(?:ed)?) (?:because|due to|on)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(?:not|n't|never|no longer)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Claims:
    """The success claims in a message, the sentences that make them, and failure reports."""

    all_pass: str | None = None
    count_pass: int | None = None
    count_sentence: str | None = None
    build_green: str | None = None
    done: str | None = None
    reports_failure: str | None = None
    verified: str | None = None

    @property
    def any_success(self) -> str | None:
        """The first sentence that claims success, if the message is not a failure report."""
        if self.reports_failure:
            return None
        return (
            self.all_pass or self.count_sentence or self.build_green or self.verified or self.done
        )

    @property
    def about_tests(self) -> str | None:
        """The sentence claiming tests pass (all or a number), if any and not a report."""
        if self.reports_failure:
            return None
        return self.all_pass or self.count_sentence

    @property
    def of_verification(self) -> str | None:
        """The sentence claiming the work was checked (tests, build, CI, "verified"), if any."""
        if self.reports_failure:
            return None
        return self.all_pass or self.count_sentence or self.build_green or self.verified


def read_claims(text: str) -> Claims:
    """Find the claims `text` makes, sentence by sentence."""
    all_pass = count_sentence = build = done = failure = verified = None
    count: int | None = None
    for raw in _SENTENCES.split(text):
        sentence = raw.strip()
        if not sentence:
            continue
        if failure is None and _FAILURE_REPORT.search(sentence):
            failure = sentence
            continue
        if _NEGATED.search(sentence):
            continue
        if all_pass is None and _ALL_PASS.search(sentence):
            all_pass = sentence
        counted = _COUNT_PASS.search(sentence)
        if counted and count is None:
            count = int(counted.group(1) or counted.group(3))
            count_sentence = sentence
        if verified is None and _VERIFIED.search(sentence):
            verified = sentence
        if build is None and _BUILD.search(sentence):
            build = sentence
        if done is None and _DONE.search(sentence):
            done = sentence
    return Claims(all_pass, count, count_sentence, build, done, failure, verified)
