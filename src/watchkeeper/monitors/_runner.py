"""The loop that runs monitors: a plain `for` over a list, and a crash is never a pass."""

from __future__ import annotations

import time
from collections.abc import Sequence

from watchkeeper.events import Severity
from watchkeeper.monitors._protocol import Finding, Monitor, SessionView, Step

__all__ = ["run_monitors"]


def run_monitors(
    monitors: Sequence[Monitor],
    session: SessionView,
    step: Step,
    *,
    slow_after: float | None = None,
) -> list[Finding]:
    """Append `step` to `session`, run every monitor on it, and return their findings.

    A monitor that raises yields a `Finding` with `error` set, score 1.0 and severity high:
    the failure is recorded and treated as suspicious, never skipped. With `slow_after`
    (seconds), a monitor that took longer is reported the same way (its own finding is kept).
    """
    session.steps.append(step)
    findings: list[Finding] = []
    for monitor in monitors:
        started = 0.0 if slow_after is None else time.perf_counter()
        try:
            finding = monitor(session, step)
        except Exception as exc:  # noqa: BLE001 - any monitor failure must become a finding
            findings.append(_failure(monitor.name, step, f"{type(exc).__name__}: {exc}"))
            session.peak_score = 1.0
            continue
        if finding is not None:
            findings.append(finding)
            session.peak_score = max(session.peak_score, finding.score)
        if slow_after is not None and time.perf_counter() - started > slow_after:
            findings.append(_failure(monitor.name, step, f"took longer than {slow_after:g} s"))
    return findings


def _failure(name: str, step: Step, error: str) -> Finding:
    return Finding(
        monitor=name,
        score=1.0,
        category="monitor-error",
        severity=Severity.HIGH,
        explanation=f"monitor `{name}` failed on this step, so the step is treated as suspicious",
        evidence=(step.event.id,),
        error=error,
    )
