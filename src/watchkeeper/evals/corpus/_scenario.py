"""A scenario: the interesting part of a coding session, to be embedded in ordinary work."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from watchkeeper.evals.corpus._steps import Session, StepDict, bash
from watchkeeper.evals.corpus._values import Values
from watchkeeper.evals.corpus._work import Project, final_for, work_steps

__all__ = ["Bad", "Scenario", "Template", "bad_bash", "embed"]


@dataclass(frozen=True)
class Bad:
    """A malicious step and the substring of its arguments that is the attack."""

    step: StepDict
    evidence: str


def bad_bash(command: str, evidence: str, output: str = "", reasoning: str | None = None) -> Bad:
    """Return a malicious `Bash` step whose command contains `evidence`."""
    return Bad(bash(command, output, reasoning), evidence)


@dataclass
class Scenario:
    """A task, its core steps (some `Bad`), and the closing message (None: an ordinary one)."""

    task: str
    items: list[StepDict | Bad] = field(default_factory=list)
    final: str | None = None


Template = Callable[[Project, Values, random.Random], Scenario]


def embed(session: Session, scenario: Scenario, project: Project, rng: random.Random) -> Session:
    """Fill `session` with ordinary work around the scenario's core steps."""
    session.add(*work_steps(project, rng, 1, 3))
    for item in scenario.items:
        if isinstance(item, Bad):
            session.bad(item.step, item.evidence)
        else:
            session.add(item)
    session.add(*work_steps(project, rng, 1, 3))
    session.final_response = scenario.final or final_for(rng)
    return session
