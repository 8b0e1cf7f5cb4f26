"""Trajectory JSONL (the evaluation schema, `watchkeeper.evals.Trajectory`) → ledger sessions.

Each line is one session, its id the trajectory's ``id``. The task becomes a user `Message`,
each step a `Reasoning` (when it has reasoning), a `ToolCall` and a `ToolResult` (when it has
output), and the final response an assistant `Message`: the same events `watchkeeper eval`
replays. Trajectories carry no timestamps, so every event gets the file's modification time.
The labels (``label``, ``attack_type``, ``malicious_steps``…) go into the session's
``imported`` marker, where a reviewer can see them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from watchkeeper.evals import Trajectory
from watchkeeper.events import Event, Message, Reasoning, ToolCall, ToolResult
from watchkeeper.importers._errors import ImportFileError
from watchkeeper.importers._identity import stable_id
from watchkeeper.importers._output import capped_output
from watchkeeper.importers._writer import ParsedFile, file_digest, import_marker

__all__ = ["read_trajectories"]

FORMAT = "trajectory"
_SOURCE = "import:trajectory"


def _parse(path: Path, number: int, line: bytes) -> Trajectory:
    try:
        return Trajectory.model_validate_json(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            problem = f"not valid JSON ({first['msg'].lower()})"
        else:
            field = ".".join(str(part) for part in first["loc"]) or "line"
            problem = f"not a trajectory (`{field}`: {first['msg'].lower()})"
        raise ImportFileError(path, number, problem, "fix or remove that line") from exc


def _args(args: Any) -> dict[str, Any]:
    return args if isinstance(args, dict) else {"value": args}


def _events(trajectory: Trajectory, deployment_id: str, ts: datetime) -> list[Event]:
    sid = trajectory.id[:200]

    def base(*key: str | int) -> dict[str, Any]:
        return {
            "id": stable_id(FORMAT, sid, *key),
            "ts": ts,
            "deployment_id": deployment_id,
            "session_id": sid,
        }

    events: list[Event] = []
    if trajectory.task:
        events.append(Message(**base("task"), role="user", text=trajectory.task))
    for index, step in enumerate(trajectory.steps):
        if step.reasoning:
            events.append(Reasoning(**base(index, "reasoning"), text=step.reasoning))
        events.append(
            ToolCall(**base(index, "call"), tool=step.tool, args=_args(step.args), source=_SOURCE)
        )
        if step.output is not None:
            output = capped_output(step.output)
            events.append(ToolResult(**base(index, "result"), tool=step.tool, output=output))
    if trajectory.final_response:
        events.append(Message(**base("final"), role="assistant", text=trajectory.final_response))
    return events


def read_trajectories(path: Path, *, deployment_id: str = "imported") -> ParsedFile:
    """Return the events of every trajectory in the JSONL file at `path`.

    Raises `ImportFileError` naming the first bad line; nothing is returned for such a file.
    """
    try:
        data = path.read_bytes()
        ts = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as exc:
        raise ImportFileError(path, None, f"cannot be read ({exc.strerror})", "check it") from exc
    digest = file_digest(data)
    parsed = ParsedFile()
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        trajectory = _parse(path, number, line)
        parsed.events.extend(_events(trajectory, deployment_id, ts))
        parsed.markers.append(
            import_marker(
                fmt=FORMAT,
                path=path,
                digest=digest,
                session_id=trajectory.id[:200],
                deployment_id=deployment_id,
                line=number,
                label=trajectory.label,
                attack_type=trajectory.attack_type,
                malicious_steps=trajectory.malicious_steps,
                transform=trajectory.transform,
                variant_of=trajectory.variant_of,
            )
        )
    return parsed
