"""Codex CLI rollout files (``rollout-*.jsonl``) → one ledger session each.

Each line is ``{timestamp, type, payload}``. The session id is the ``session_meta`` line's
``id`` (the file name's stem without one). ``response_item`` lines are the conversation: a
``message`` becomes a `Message` (``developer`` as ``system``), a ``reasoning`` item a
`Reasoning` from its readable summary and content, ``function_call``, ``custom_tool_call``,
``local_shell_call`` and ``web_search_call`` a `ToolCall` (a ``function_call``'s JSON
``arguments`` string is parsed into its arguments), and their ``…_output`` items a
`ToolResult`. A ``compacted`` line becomes a `Lifecycle` ``compaction``. ``event_msg`` lines
repeat the conversation for the UI and ``turn_context`` lines only set the working
directory, so neither is recorded. Rollouts are only ever appended to, so event ids derive
from (session, line number) and a rollout that grew adds only its new lines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from watchkeeper.events import Event, Lifecycle, Message, Reasoning, ToolCall, ToolResult
from watchkeeper.importers._errors import ImportFileError
from watchkeeper.importers._identity import parse_timestamp, stable_id
from watchkeeper.importers._jsonl import json_lines
from watchkeeper.importers._output import capped_output
from watchkeeper.importers._reading import read_import_file
from watchkeeper.importers._writer import ParsedFile, file_digest, import_marker

__all__ = ["read_codex"]

FORMAT = "codex"
_SOURCE = "import:codex"
_ROLES: dict[str, Literal["user", "assistant", "system"]] = {
    "user": "user",
    "assistant": "assistant",
    "developer": "system",
    "system": "system",
}
_CALLS = ("function_call", "custom_tool_call", "local_shell_call", "web_search_call")
_OUTPUTS = ("function_call_output", "custom_tool_call_output", "local_shell_call_output")


def _joined(parts: Any, keys: tuple[str, ...] = ("text",)) -> str:
    texts: list[str] = []
    for part in parts if isinstance(parts, list) else ():
        if isinstance(part, Mapping):
            texts.extend(part[k] for k in keys if isinstance(part.get(k), str))
    return "\n".join(texts)


def _arguments(payload: Mapping[str, Any]) -> dict[str, Any]:
    kind = payload.get("type")
    if kind == "function_call":
        raw = payload.get("arguments")
        try:
            parsed = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            parsed = None
        return parsed if isinstance(parsed, dict) else {"input": raw}
    if kind == "custom_tool_call":
        return {"input": payload.get("input")}
    action = payload.get("action")
    return dict(action) if isinstance(action, Mapping) else {}


class _Rollout:
    """Builds the events of one rollout."""

    def __init__(self, path: Path, session_id: str, deployment_id: str, start: datetime) -> None:
        self.path = path
        self.session_id = session_id
        self.deployment_id = deployment_id
        self.ts = start
        self.cwd: str | None = None
        self.tools: dict[str, str] = {}
        self.events: list[Event] = []

    def base(self, number: int) -> dict[str, Any]:
        return {
            "id": stable_id(FORMAT, self.session_id, number),
            "ts": self.ts,
            "deployment_id": self.deployment_id,
            "session_id": self.session_id,
        }

    def line(self, number: int, record: Mapping[str, Any]) -> None:
        self.ts = parse_timestamp(record.get("timestamp")) or self.ts
        kind, payload = record.get("type"), record.get("payload")
        if not isinstance(payload, Mapping):
            payload = {}
        if kind in ("session_meta", "turn_context") and isinstance(payload.get("cwd"), str):
            self.cwd = payload["cwd"]
        elif kind == "compacted":
            detail = {"message": payload.get("message")}
            self.events.append(Lifecycle(**self.base(number), phase="compaction", detail=detail))
        elif kind == "response_item":
            event = self._item(number, payload)
            if event is not None:
                self.events.append(event)

    def _item(self, number: int, item: Mapping[str, Any]) -> Event | None:
        kind = item.get("type")
        if kind == "message":
            role = _ROLES.get(str(item.get("role")))
            text = _joined(item.get("content"))
            if role is None or not text.strip():
                return None
            return Message(**self.base(number), role=role, text=text)
        if kind == "reasoning":
            text = "\n".join(
                t for t in (_joined(item.get("summary")), _joined(item.get("content"))) if t
            )
            return Reasoning(**self.base(number), text=text) if text.strip() else None
        if kind in _CALLS:
            return self._call(number, item)
        if kind in _OUTPUTS:
            call_id = item.get("call_id") if isinstance(item.get("call_id"), str) else None
            return ToolResult(
                **self.base(number),
                tool=self.tools.get(call_id or ""),
                tool_use_id=call_id,
                output=capped_output(item.get("output")),
            )
        return None

    def _call(self, number: int, item: Mapping[str, Any]) -> ToolCall:
        kind = str(item.get("type"))
        name = item.get("name") if kind in ("function_call", "custom_tool_call") else kind[:-5]
        if not isinstance(name, str) or not name:
            problem = f"`{kind}` item has no `name`"
            raise ImportFileError(self.path, number, problem, "fix or remove that line")
        call_id = item.get("call_id") if isinstance(item.get("call_id"), str) else None
        if call_id is not None:
            self.tools[call_id] = name
        return ToolCall(
            **self.base(number),
            tool=name,
            args=_arguments(item),
            tool_use_id=call_id,
            cwd=self.cwd,
            source=_SOURCE,
        )


def read_codex(path: Path, *, deployment_id: str = "imported") -> ParsedFile:
    """Return the events of the Codex rollout at `path`, or raise `ImportFileError`.

    Nothing is returned for a file with a bad line, so a caller never records part of it.
    """
    data = read_import_file(path)
    records = json_lines(path, data)
    meta = next((r.get("payload") for _, r in records if r.get("type") == "session_meta"), None)
    meta = meta if isinstance(meta, Mapping) else {}
    session_id = str(meta.get("id") or path.stem)[:200]
    start = next(
        (ts for _, r in records if (ts := parse_timestamp(r.get("timestamp")))),
        datetime.fromtimestamp(path.stat().st_mtime, UTC),
    )
    rollout = _Rollout(path, session_id, deployment_id, start)
    for number, record in records:
        rollout.line(number, record)
    marker = import_marker(
        fmt=FORMAT,
        path=path,
        digest=file_digest(data),
        session_id=session_id,
        deployment_id=deployment_id,
        lines=len(records),
        originator=meta.get("originator"),
        cli_version=meta.get("cli_version"),
        cwd=meta.get("cwd"),
    )
    return ParsedFile(rollout.events, [marker])
