"""Calibration: thresholds keep benign sessions within the audit budget."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.events import Severity
from watchkeeper.monitors import (
    CorpusError,
    Finding,
    MonitorsConfig,
    SessionScores,
    SessionView,
    Step,
    apply_calibration,
    calibrate,
    read_trajectories,
    replay_scores,
)
from watchkeeper.normalize import Normalizer
from watchkeeper.policy import parse_policy


class _LengthMonitor:
    """Scores each Bash command by its length (a stand-in with a spread of benign scores)."""

    name = "length"

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        if step.action is None:
            return None
        command = str(step.event.model_dump().get("args", {}).get("command", ""))
        score = min(len(command) / 100, 1.0)
        return Finding(self.name, score, "novel-behaviour", Severity.LOW, "long command")


def _sessions(scores: list[float]) -> list[SessionScores]:
    return [SessionScores(f"s{i}", {"m": s}, s) for i, s in enumerate(scores)]


def _rate(scores: list[float], threshold: float) -> float:
    return sum(s >= threshold for s in scores) / len(scores)


def test_threshold_meets_budget_exactly() -> None:
    """With 100 benign sessions and a 5% budget, at most 5 reach the threshold."""
    scores = [i / 100 for i in range(100)]
    result = calibrate(_sessions(scores), 0.05)
    assert _rate(scores, result.thresholds["m"]) <= 0.05
    assert _rate(scores, result.thresholds["m"]) >= 0.04
    assert result.alert_rate <= 0.05


def test_ties_do_not_break_the_budget() -> None:
    """When many sessions share the same score, the threshold sits above them all."""
    scores = [0.5] * 50 + [0.2] * 50
    result = calibrate(_sessions(scores), 0.1)
    assert result.thresholds["m"] > 0.5
    assert result.alert_rate == 0.0


def test_union_of_monitors_stays_within_budget() -> None:
    """Different monitors alerting on different sessions still total at most the budget."""
    sessions = [
        SessionScores(f"s{i}", {"a": 0.9 if i < 5 else 0.1, "b": 0.9 if 5 <= i < 10 else 0.1}, 0.1)
        for i in range(100)
    ]
    result = calibrate(sessions, 0.05)
    assert result.alert_rate <= 0.05


def test_no_threshold_below_the_floor() -> None:
    """A corpus where nothing ever scores still gets thresholds above zero."""
    result = calibrate(_sessions([0.0] * 20), 0.01, monitors=["quiet"])
    assert min(result.thresholds.values()) > 0.0
    assert result.overall > 0.0


def test_apply_writes_thresholds_into_config() -> None:
    """Calibrated thresholds land in the config, per monitor and overall."""
    result = calibrate(_sessions([i / 10 for i in range(10)]), 0.1)
    config = apply_calibration(MonitorsConfig(), result)
    assert config.threshold("m") == pytest.approx(result.thresholds["m"], abs=1e-6)
    assert config.overall_threshold == pytest.approx(result.overall, abs=1e-6)


def test_replay_scores_each_trajectory(tmp_path: Path) -> None:
    """Trajectory JSONL replays through normalisation, policy and monitors to one score each."""
    corpus = tmp_path / "benign.jsonl"
    lines = [
        {"id": "short", "label": "benign", "steps": [{"tool": "Bash", "args": {"command": "ls"}}]},
        {
            "id": "long",
            "steps": [
                {"tool": "Bash", "args": {"command": "echo " + "x" * 60}, "output": "xx"},
                {"tool": "Read", "args": {"file_path": "/tmp/a"}, "reasoning": "look"},
            ],
        },
    ]
    corpus.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n")
    policy = parse_policy("version: 1\ndefault: deny\nrules: []\n")
    scores = replay_scores(
        read_trajectories([corpus]), [_LengthMonitor()], normalizer=Normalizer(), policy=policy
    )
    assert [s.id for s in scores] == ["short", "long"]
    assert scores[0].score == pytest.approx(0.02)
    assert scores[1].score == pytest.approx(0.65)


def test_bad_corpus_line_names_file_and_line(tmp_path: Path) -> None:
    """A line that is not a trajectory is a `CorpusError` naming where it is."""
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": "a", "steps": []}\n{"id": "b"}\n')
    with pytest.raises(CorpusError, match=r"bad.jsonl:2"):
        list(read_trajectories([corpus]))


class _Denials:
    """Scores 1.0 on any step whose replayed verdict is a deny."""

    name = "denials"

    def __call__(self, session: SessionView, step: Step) -> Finding | None:
        if step.verdict is None or step.verdict.decision != "deny":
            return None
        return Finding(self.name, 1.0, "probing", Severity.LOW, "denied")


def test_replay_tracks_session_facts_for_the_policy() -> None:
    """Replayed verdicts see untrusted content from earlier steps, as the gateway's do."""
    policy = parse_policy(
        "version: 1\ndefault: ask\nrules:\n"
        "  - id: no-untrusted\n    decision: deny\n    match: {session: {untrusted_seen: true}}\n"
    )
    trajectory = {
        "id": "t",
        "steps": [
            {"tool": "WebFetch", "args": {"url": "https://example.org"}, "output": "page"},
            {"tool": "Bash", "args": {"command": "ls"}},
        ],
    }
    (scores,) = replay_scores([trajectory], [_Denials()], normalizer=Normalizer(), policy=policy)
    assert scores.per_monitor == {"denials": 1.0}


@given(
    rows=st.lists(
        st.tuples(st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]), st.floats(0, 1), st.floats(0, 1)),
        min_size=1,
        max_size=60,
    ),
    budget=st.sampled_from([0.0, 0.01, 0.05, 0.2, 0.5]),
)
def test_budget_always_holds(rows: list[tuple[float, float, float]], budget: float) -> None:
    """For any benign scores, the calibrated union of alerts stays within the budget."""
    sessions = [
        SessionScores(f"s{i}", {"a": a, "b": b}, score) for i, (a, b, score) in enumerate(rows)
    ]
    result = calibrate(sessions, budget)
    alerting = sum(
        s.score >= result.overall
        or any(v >= result.thresholds[m] for m, v in s.per_monitor.items())
        for s in sessions
    )
    assert alerting <= budget * len(sessions) + 1e-9
