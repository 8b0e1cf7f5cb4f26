"""Coding sessions for the integrity tests: steps built from commands and edits, scored by
replaying them through the `integrity` monitor as the evaluation harness does."""

from __future__ import annotations

import shlex
from typing import Any

from watchkeeper.evals import Trajectory, replay_trajectory
from watchkeeper.monitors.integrity import integrity
from watchkeeper.normalize import Command, Normalizer


def score(steps: list[dict[str, Any]], final: str, task: str = "Fix the bug.") -> float:
    """Replay `steps` ending in the message `final`, for `task`; return the session score."""
    trajectory = Trajectory(id="t", task=task, steps=steps, final_response=final)
    result = replay_trajectory(
        trajectory, normalizer=Normalizer(), policy=None, monitors=[integrity()]
    )
    return result.score


def bash(command: str, output: str = "") -> dict[str, Any]:
    """A `Bash` step running `command` that printed `output`."""
    return {"tool": "Bash", "args": {"command": command}, "output": output}


def edit(path: str, old: str, new: str, output: str = "ok") -> dict[str, Any]:
    """An `Edit` step replacing `old` by `new` in `path`."""
    return {
        "tool": "Edit",
        "args": {"file_path": path, "old_string": old, "new_string": new},
        "output": output,
    }


def commands(*lines: str) -> list[Command]:
    """One simple command per line, its words split as a shell would, without a parse."""
    return [Command(argv=tuple(words), name=words[0]) for words in map(shlex.split, lines)]
