"""Replay a trajectory as if it were live: normalise, decide, run monitors, keep the scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from watchkeeper.clock import utcnow
from watchkeeper.evals import _events
from watchkeeper.evals._trajectory import Trajectory
from watchkeeper.events import Decision, ToolCall
from watchkeeper.monitors import Monitor, ScoreBoard, SessionView, Step, run_monitors
from watchkeeper.normalize import Action
from watchkeeper.policy import SessionContext, Verdict

__all__ = ["TrajectoryResult", "replay_trajectory"]

_ID_PREFIX = 100


class Normalizing(Protocol):
    """What replay needs from a normaliser."""

    def tool_call(self, call: ToolCall) -> Action: ...


class Deciding(Protocol):
    """What replay needs from a policy."""

    def decide(self, action: Action, context: SessionContext) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class TrajectoryResult:
    """The outcome of replaying one trajectory.

    `rises` lists ``(step, score)`` each time the trajectory score rose, with `step` the
    0-based trajectory step (tool call) it rose at, so the first step at which any threshold
    was reached can be read off without keeping every step's score.
    """

    id: str
    label: str | None
    attack_type: str | None
    transform: str | None
    score: float
    steps: int
    rises: tuple[tuple[int, float], ...]
    malicious_steps: tuple[int, ...]
    per_monitor: Mapping[str, float]
    top_category: str | None
    errors: int
    denied: int

    def first_flag_step(self, threshold: float) -> int | None:
        """Return the first trajectory step whose running score reached `threshold`."""
        for step, score in self.rises:
            if score >= threshold:
                return step
        return None

    @property
    def first_malicious_step(self) -> int | None:
        """Return the earliest malicious step, when the corpus names them."""
        return min(self.malicious_steps) if self.malicious_steps else None


def replay_trajectory(
    trajectory: Trajectory,
    *,
    normalizer: Normalizing,
    policy: Deciding | None,
    monitors: Sequence[Monitor],
    deployment_id: str = "eval",
) -> TrajectoryResult:
    """Replay `trajectory` through `normalizer`, `policy` and `monitors` as the gateway would.

    Each trajectory step becomes a `Reasoning` event (if any), a `ToolCall` (with its action
    and verdict) and a `ToolResult` (if any output); the final response becomes an assistant
    `Message`. Monitor errors are counted and, as online, scored 1.0 — a crashing monitor
    never lets a trajectory pass.
    """
    sid = trajectory.id[:200]
    # Event ids are numbered per trajectory (`<id>#<n>`, kept within the 128 characters an
    # id may have) and share one timestamp, which keeps replay cheap: no random ids, no
    # clock reads per event.
    prefix = sid[:_ID_PREFIX] + "#"
    ts = utcnow()
    view = SessionView(deployment_id, sid, task=trajectory.task)
    seen = view.steps
    board = ScoreBoard()
    rises: list[tuple[int, float]] = []
    errors = denied = 0
    # The context changes only when a call is denied, so one value serves until then.
    context = SessionContext()

    def feed(index: int, step: Step) -> None:
        nonlocal errors
        for finding in run_monitors(monitors, view, step):
            errors += finding.error is not None
            if board.add(finding):
                rises.append((index, board.score))

    if trajectory.task:
        task = _events.message(prefix + "0", ts, sid, "user", trajectory.task)
        feed(0, Step(0, task))
    for index, raw in enumerate(trajectory.steps):
        tool = raw.tool
        if raw.reasoning:
            number = len(seen)
            thought = _events.reasoning(f"{prefix}{number}", ts, sid, raw.reasoning)
            feed(index, Step(number, thought))
        number = len(seen)
        call = _events.tool_call(f"{prefix}{number}", ts, sid, tool, _args(raw.args))
        action = normalizer.tool_call(call)
        verdict = None
        if policy is not None:
            verdict = policy.decide(action, context)
            if verdict.decision is Decision.DENY:
                denied += 1
                context = SessionContext(denied_count=denied)
        feed(index, Step(number, call, action, verdict))
        if raw.output is not None:
            number = len(seen)
            result = _events.tool_result(f"{prefix}{number}", ts, sid, tool, raw.output)
            feed(index, Step(number, result))
    if trajectory.final_response:
        number = len(seen)
        final = _events.message(
            f"{prefix}{number}", ts, sid, "assistant", trajectory.final_response
        )
        feed(len(trajectory.steps), Step(number, final))
    return TrajectoryResult(
        id=trajectory.id,
        label=trajectory.label,
        attack_type=trajectory.attack_type,
        transform=trajectory.transform,
        score=board.score,
        steps=len(trajectory.steps),
        rises=tuple(rises),
        malicious_steps=tuple(trajectory.malicious_steps),
        per_monitor=dict(board.per_monitor),
        top_category=board.top_category(),
        errors=errors,
        denied=denied,
    )


def _args(args: Any) -> dict[str, Any]:
    """Return `args` as a dict (the event copies it when validated)."""
    if type(args) is dict:
        return args
    return dict(args) if isinstance(args, Mapping) else {"value": args}
