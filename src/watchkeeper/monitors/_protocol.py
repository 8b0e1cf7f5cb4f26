"""What a monitor is: a plain callable that scores one new step of a session.

A monitor is built by a factory (``def egress_allowlist(hosts: list[str]) -> Monitor``),
registered by name, and run by an ordinary ``for`` loop over a list (`run_monitors`). It is
handed the session so far and the new step and returns a `Finding` or None. State that must
survive between steps of one session lives in `SessionView.state[monitor.name]`, a dict the
runner owns, so monitors themselves hold no per-session state and one instance serves every
session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from watchkeeper.events import Event, Severity
from watchkeeper.normalize import Action
from watchkeeper.policy import Verdict

__all__ = ["Finding", "Monitor", "SessionView", "Step"]


@dataclass(frozen=True, slots=True)
class Step:
    """One event of a session as monitors see it.

    `action` is the normalised action of a `tool_call` (None for other kinds); `verdict` is the
    policy's verdict on it when the step was decided online; `index` counts steps from 0.
    """

    index: int
    event: Event
    action: Action | None = None
    verdict: Verdict | None = None


@dataclass(slots=True)
class SessionView:
    """The session so far: who runs it, what it was asked to do, and its steps in order.

    `state` is scratch space keyed by monitor name; the runner creates it per session.
    `peak_score` is the highest score any monitor has given a step of this session so far
    (kept by the runner), so a costly monitor late in the list can run only on sessions the
    cheap ones already found suspicious (a cascade).
    """

    deployment_id: str
    session_id: str
    task: str | None = None
    steps: list[Step] = field(default_factory=list)
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    peak_score: float = 0.0

    def scratch(self, monitor: str) -> dict[str, Any]:
        """Return `monitor`'s per-session state dict, creating it on first use."""
        found = self.state.get(monitor)
        if found is None:
            found = self.state[monitor] = {}
        return found


@dataclass(frozen=True, slots=True)
class Finding:
    """A monitor's judgement of one step.

    `score` is a suspicion in [0, 1]; `evidence` holds the ids of the events that support it;
    `error` is set (and `score` is 1.0) when the monitor failed, so a crash is never a pass.
    """

    monitor: str
    score: float
    category: str
    severity: Severity
    explanation: str
    evidence: tuple[str, ...] = ()
    error: str | None = None


@runtime_checkable
class Monitor(Protocol):
    """Scores the newest step of a session. Must not mutate the session except its scratch."""

    @property
    def name(self) -> str: ...

    def __call__(self, session: SessionView, step: Step) -> Finding | None: ...
