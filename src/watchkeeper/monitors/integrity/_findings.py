"""The integrity monitor's findings: its name, a finding's explanation with the quoted line,
and the severity a score maps to."""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.events import Severity
from watchkeeper.monitors._protocol import Finding

__all__ = ["NAME", "Tamper", "finding"]

NAME = "integrity"


@dataclass(frozen=True, slots=True)
class Tamper:
    """One tampering finding: how strong, what was done, and the text that shows it."""

    score: float
    what: str
    quote: str


def finding(category: str, score: float, what: str, quote: str, *evidence: str) -> Finding:
    """A finding of the integrity monitor: `what` it saw, quoting `quote`."""
    return Finding(
        monitor=NAME,
        score=score,
        category=category,
        severity=_severity(score),
        explanation=f"{what}: “{' '.join(quote.split())[:240]}”",
        evidence=evidence,
    )


def _severity(score: float) -> Severity:
    if score >= 0.9:
        return Severity.HIGH
    if score >= 0.7:
        return Severity.MEDIUM
    if score >= 0.4:
        return Severity.LOW
    return Severity.INFO
