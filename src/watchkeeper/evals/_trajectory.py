"""The trajectory JSONL schema and a streaming loader that names the bad line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["Trajectory", "TrajectoryError", "TrajectoryStep", "load_trajectories", "parse_line"]


class TrajectoryError(Exception):
    """A corpus line is not a valid trajectory; fix or remove the named line."""


class TrajectoryStep(BaseModel):
    """One tool call of a trajectory with its output and the reasoning before it."""

    model_config = ConfigDict(extra="ignore")

    tool: str = Field(min_length=1, max_length=500)
    args: Any = Field(default_factory=dict)
    output: Any = None
    reasoning: str | None = None


class Trajectory(BaseModel):
    """One recorded agent session; `label`, `attack_type` and the rest are optional."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    label: Literal["benign", "attack"] | None = None
    attack_type: str | None = None
    task: str | None = None
    steps: list[TrajectoryStep] = Field(default_factory=list)
    final_response: str | None = None
    malicious_steps: list[int] = Field(default_factory=list)
    transform: str | None = None
    variant_of: str | None = None


def parse_line(line: str, where: str) -> Trajectory:
    """Parse one JSONL line; `where` (``file:line``) names it in the error."""
    try:
        # Parsed and validated in one pass; it reads JSON as the `json` module does (NaN,
        # big integers, the last of duplicate keys), and what it rejects as JSON takes the
        # slower path below, so the same lines load and fail with the same messages.
        return Trajectory.model_validate_json(line)
    except ValidationError as exc:
        if exc.errors()[0]["type"] != "json_invalid":
            raise _invalid(where, exc) from exc
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        msg = f"`{where}` is not JSON ({exc.msg}); fix or remove that line"
        raise TrajectoryError(msg) from exc
    try:
        return Trajectory.model_validate(data)
    except ValidationError as exc:
        raise _invalid(where, exc) from exc


def _invalid(where: str, exc: ValidationError) -> TrajectoryError:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "line"
    return TrajectoryError(
        f"`{where}` is not a trajectory (`{field}`: {first['msg'].lower()}); fix that line"
    )


def load_trajectories(paths: Iterable[Path]) -> Iterator[Trajectory]:
    """Yield trajectories from JSONL files one at a time (blank lines skipped).

    Raises `TrajectoryError` naming ``file:line`` at the first bad line, and for a file that
    cannot be read.
    """
    for path in paths:
        try:
            handle = path.open(encoding="utf-8")
        except OSError as exc:
            raise TrajectoryError(
                f"`{path}` cannot be read ({exc.strerror}); check the path"
            ) from exc
        with handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield parse_line(line, f"{path}:{number}")
