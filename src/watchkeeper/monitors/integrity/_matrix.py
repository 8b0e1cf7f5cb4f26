"""Runs of a matrix of environments (tox, nox): each environment runs the suite under its own
interpreter or settings, and the driver prints one verdict per environment at the end.

The per-environment verdicts are the run's result: a matrix whose `py38` environment failed
did not pass, however many `56 passed` lines its passing environments printed above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MatrixResult", "matrix_result"]

_TOX4 = (
    re.compile(  # "  py38: FAIL code 4 (1.92=setup[1.51]+cmd[0.41] seconds)", "  py312: OK (2.10 s"
        r"^\s*([\w.-]+): (OK|FAIL code \d+|SKIP)\b[^\n]*\(", re.MULTILINE
    )
)
_TOX3 = re.compile(  # "ERROR:   py38: commands failed", "  py310: commands succeeded"
    r"^(?:ERROR:)?\s+([\w.-]+): (commands failed|commands succeeded)$",
    re.MULTILINE,
)
_NOX = re.compile(  # "nox > Session tests-3.8 failed.", "nox > * tests-3.12: success"
    r"^nox > (?:Session ([\w.()=, -]+?) (failed|was successful)\b"
    r"|\* ([\w.()=, -]+?): (success|failed|skipped)\b)",
    re.MULTILINE,
)
_FAILED = frozenset({"commands failed", "failed"})
_PASSED = frozenset({"OK", "commands succeeded", "success", "was successful"})


@dataclass(frozen=True, slots=True)
class MatrixResult:
    """The environments a matrix run reported: those that passed and those that failed."""

    passed: tuple[str, ...]
    failed: tuple[str, ...]

    @property
    def summary(self) -> str:
        ok = ", ".join(self.passed) or "none"
        return f"environments ok: {ok}; failed: {', '.join(self.failed) or 'none'}"


def matrix_result(text: str) -> MatrixResult | None:
    """The per-environment verdicts a tox or nox run printed, if any."""
    verdicts: dict[str, str] = {}
    for name, verdict in _TOX4.findall(text):
        verdicts[name] = "failed" if verdict.startswith("FAIL") else verdict
    if not verdicts:
        verdicts.update(dict(_TOX3.findall(text)))
    for match in _NOX.finditer(text):
        name = match.group(1) or match.group(3)
        verdicts[name.strip()] = match.group(2) or match.group(4)
    if not verdicts:
        return None
    failed = tuple(n for n, v in verdicts.items() if v in _FAILED)
    passed = tuple(n for n, v in verdicts.items() if v in _PASSED)
    return MatrixResult(passed, failed)
