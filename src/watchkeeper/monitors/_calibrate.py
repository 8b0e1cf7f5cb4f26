"""Calibration: thresholds that keep benign sessions under an audit budget.

Benign trajectories are replayed (normalise → policy → monitors, as online), each session's
per-monitor maximum and trajectory score are collected, and thresholds are chosen so that at
most `budget` of the benign sessions would alert under the online rule: any monitor at or
above its own threshold, or the trajectory score at or above the overall threshold.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from watchkeeper.events import Event, Reasoning, ToolCall, ToolResult, VerdictEvent
from watchkeeper.monitors._aggregate import ScoreBoard
from watchkeeper.monitors._config import MonitorsConfig, MonitorSettings
from watchkeeper.monitors._protocol import Monitor, SessionView, Step
from watchkeeper.monitors._runner import run_monitors
from watchkeeper.normalize import Action
from watchkeeper.policy import SessionContext, Verdict

__all__ = [
    "Calibration",
    "CorpusError",
    "SessionScores",
    "apply_calibration",
    "calibrate",
    "read_trajectories",
    "replay_scores",
]

#: No threshold is set below this, so noise-level findings never alert.
MIN_THRESHOLD = 0.05
_MAX_HALVINGS = 30


class CorpusError(Exception):
    """A trajectory corpus line is not a valid trajectory; fix or remove that line."""


class _Normalizer(Protocol):
    def tool_call(self, call: ToolCall) -> Action: ...


class _Policy(Protocol):
    def decide(self, action: Action, context: SessionContext) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class SessionScores:
    """What the monitors made of one replayed session (errors are counted, not scored)."""

    id: str
    per_monitor: Mapping[str, float]
    score: float
    errors: int = 0


@dataclass(frozen=True, slots=True)
class Calibration:
    """Thresholds chosen for a budget, and the benign alert rate they give on the corpus."""

    budget: float
    sessions: int
    thresholds: Mapping[str, float]
    overall: float
    alert_rate: float
    monitor_rates: Mapping[str, float]


def read_trajectories(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Yield trajectory objects from JSONL files (blank lines skipped)."""
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"`{path}:{number}` is not JSON ({exc}); fix it") from exc
                if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
                    raise CorpusError(
                        f"`{path}:{number}` has no `steps` list; give each line a trajectory"
                    )
                yield data


def replay_scores(
    trajectories: Iterable[Mapping[str, Any]],
    monitors: Sequence[Monitor],
    *,
    normalizer: _Normalizer,
    policy: _Policy | None = None,
) -> list[SessionScores]:
    """Replay each trajectory through normalisation, `policy` and `monitors`; score it."""
    out: list[SessionScores] = []
    for number, trajectory in enumerate(trajectories):
        session_id = str(trajectory.get("id") or f"trajectory-{number}")
        task = trajectory.get("task")
        view = SessionView("calibration", session_id, task=task if isinstance(task, str) else None)
        board = ScoreBoard()
        errors = 0
        for event, action, verdict in _steps(trajectory, session_id, normalizer, policy):
            step = Step(len(view.steps), event, action, verdict)
            for finding in run_monitors(monitors, view, step):
                if finding.error is not None:
                    errors += 1
                else:
                    board.add(finding)
        out.append(SessionScores(session_id, dict(board.per_monitor), board.score, errors))
    return out


def _steps(
    trajectory: Mapping[str, Any],
    session_id: str,
    normalizer: _Normalizer,
    policy: _Policy | None,
) -> Iterator[tuple[Event, Action | None, Verdict | None]]:
    """The events a trajectory would have produced live, with actions and verdicts.

    Session facts for the policy (untrusted content seen, denials) are tracked as the
    gateway tracks them, so the replayed verdicts match the online ones.
    """
    from watchkeeper.gateway import SessionTracker

    tracker = SessionTracker()
    for raw in trajectory["steps"]:
        if not isinstance(raw, Mapping):
            continue
        reasoning = raw.get("reasoning")
        if isinstance(reasoning, str) and reasoning:
            yield Reasoning(session_id=session_id, text=reasoning), None, None
        args = raw.get("args")
        call = ToolCall(
            session_id=session_id,
            tool=str(raw.get("tool") or "unknown"),
            args=dict(args) if isinstance(args, Mapping) else {"value": args},
        )
        action = normalizer.tool_call(call)
        verdict = None
        if policy is not None:
            verdict = policy.decide(action, tracker.context(call.deployment_id, session_id))
            tracker.observe([_verdict_event(call, verdict)])
        yield call, action, verdict
        output = raw.get("output")
        if output is not None:
            result = ToolResult(session_id=session_id, tool=call.tool, output=output)
            tracker.observe([result])
            yield result, None, None


def _verdict_event(call: ToolCall, verdict: Verdict) -> VerdictEvent:
    return VerdictEvent(
        deployment_id=call.deployment_id,
        session_id=call.session_id,
        call_id=call.id,
        decision=verdict.decision,
        rule_ids=verdict.rule_ids,
    )


def calibrate(
    scores: Sequence[SessionScores],
    budget: float,
    *,
    monitors: Iterable[str] = (),
) -> Calibration:
    """Choose per-monitor and overall thresholds so at most `budget` of sessions alert.

    Each threshold starts at the `budget` quantile of its own scores; while the union of
    alerts exceeds the budget, the per-threshold budget is halved. No threshold goes below
    `MIN_THRESHOLD`. `monitors` names monitors to calibrate even if they never scored.
    """
    names = sorted({*monitors, *(m for s in scores for m in s.per_monitor)})
    part = budget
    for _ in range(_MAX_HALVINGS):
        thresholds = {
            n: _threshold([s.per_monitor.get(n, 0.0) for s in scores], part) for n in names
        }
        overall = _threshold([s.score for s in scores], part)
        rate = _alert_rate(scores, thresholds, overall)
        if rate <= budget:
            break
        part /= 2
    monitor_rates = {
        n: _rate([s.per_monitor.get(n, 0.0) >= t for s in scores]) for n, t in thresholds.items()
    }
    return Calibration(budget, len(scores), thresholds, overall, rate, monitor_rates)


def apply_calibration(config: MonitorsConfig, result: Calibration) -> MonitorsConfig:
    """Return `config` with the calibrated thresholds written in."""
    monitors = dict(config.monitors)
    for name, threshold in result.thresholds.items():
        settings = monitors.get(name, MonitorSettings())
        monitors[name] = settings.model_copy(update={"threshold": round(threshold, 6)})
    return config.model_copy(
        update={"monitors": monitors, "overall_threshold": round(result.overall, 6)}
    )


def _threshold(values: Sequence[float], budget: float) -> float:
    """Smallest threshold under which at most ⌊budget·n⌋ of `values` reach it."""
    if not values:
        return MIN_THRESHOLD
    ranked = sorted(values, reverse=True)
    allowed = math.floor(budget * len(ranked) + 1e-9)
    if allowed >= len(ranked):
        return MIN_THRESHOLD
    # Rounded up to 6 places (as stored) and past the first value that must not alert.
    above = math.ceil(ranked[allowed] * 1e6 + 1e-6) / 1e6
    return max(above, MIN_THRESHOLD)


def _alert_rate(
    scores: Sequence[SessionScores], thresholds: Mapping[str, float], overall: float
) -> float:
    return _rate(
        [
            s.score >= overall or any(v >= thresholds[m] for m, v in s.per_monitor.items())
            for s in scores
        ]
    )


def _rate(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0
