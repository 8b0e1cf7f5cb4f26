"""Replaying short command sequences through the real normaliser and the catalog monitor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from watchkeeper.events import Message, ToolCall, ToolResult
from watchkeeper.monitors import Finding, SessionView, Step, run_monitors
from watchkeeper.monitors.catalog import rogue_precursors
from watchkeeper.normalize import Normalizer

HOME = "/home/agent"
CWD = "/home/agent/project"

#: One step: a Bash command line, or a (tool, args) pair; `said` and `output` make the
#: non-call events of a session.
StepSpec = str | tuple[str, dict[str, Any]] | Message | ToolResult
Replay = Callable[[Sequence[StepSpec]], Finding | None]


def replay_steps(
    steps: Sequence[StepSpec], *, task: str | None = None, cwd: str | None = CWD, **config: Any
) -> list[Finding | None]:
    """Run `steps` as one session through the catalog and return each step's finding.

    `task` is the session's task; `cwd` the working directory of every call (None: unknown,
    so relative paths stay relative)."""
    normalizer = Normalizer(home=HOME)
    monitor = rogue_precursors(**config)
    view = SessionView("deployment", "session", task=task)
    found: list[Finding | None] = []
    for spec in steps:
        if isinstance(spec, Message | ToolResult):
            run_monitors([monitor], view, Step(len(view.steps), spec))
            found.append(None)
            continue
        tool, args = ("Bash", {"command": spec}) if isinstance(spec, str) else spec
        call = ToolCall(session_id="session", tool=tool, args=args, cwd=cwd)
        findings = run_monitors(
            [monitor], view, Step(len(view.steps), call, normalizer.tool_call(call))
        )
        found.append(findings[0] if findings else None)
    return found


def said(role: str, text: str) -> Message:
    """Return a message of `role` (``user``, ``assistant``) in the test session."""
    return Message(session_id="session", role=role, text=text)  # type: ignore[arg-type]


def output(text: str, tool: str = "Bash") -> ToolResult:
    """Return a tool result carrying `text` in the test session."""
    return ToolResult(session_id="session", tool=tool, output=text)


@pytest.fixture
def replay() -> Replay:
    """Return a function that replays steps and gives the last step's finding."""

    def last(steps: Sequence[StepSpec]) -> Finding | None:
        return replay_steps(steps)[-1]

    return last


def score(finding: Finding | None) -> float:
    """Return the finding's score, 0 for no finding."""
    return 0.0 if finding is None else finding.score
