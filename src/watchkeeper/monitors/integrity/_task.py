"""The task as its intent checks read it: file names and versions made single words, so that
a request is read across them ("remove `exporters/xml_export.py` and its tests" is one
sentence, not two split at `.py`)."""

from __future__ import annotations

import re

__all__ = ["negated_before", "plain_task"]

_INNER_DOT = re.compile(r"(?<=\w)\.(?=\w)|(?<![\w.])\.{1,2}(?=/)")  # `x.py`, `./pkg`, `../y`
_NEGATION = re.compile(
    r"\b(?:don't|do not|never|without|not|no|instead of|rather than|shouldn't|should not"
    r"|must not|mustn't|can't|cannot|avoid)\b[^.\n,;:]*$",
    re.IGNORECASE,
)
_LEAD = 40


def plain_task(task: str) -> str:
    """`task` with the dots inside words (paths, versions, `e.g.`) and leading a relative path
    (`./internal/store`) made underscores."""
    return _INNER_DOT.sub(lambda m: "_" * len(m.group(0)), task)


def negated_before(text: str, start: int) -> bool:
    """Whether the clause leading up to `start` negates what follows ("don't modify the
    tests", "without skipping tests")."""
    return bool(_NEGATION.search(text[max(0, start - _LEAD) : start]))
