"""Inspect eval logs (``.eval`` zip or ``.json``) → one ledger session per sample.

Parsed directly, without `inspect_ai`: a ``.json`` log is one JSON document, and a ``.eval``
log is a zip of JSON members (``header.json``, or ``_journal/start.json`` while a run is
unfinished, and ``samples/<id>_epoch_<n>.json``). Reading them here keeps `inspect-ai` (and
its dependencies) out of the runtime, and is a small, fixed part of either format.

Session ids are ``<eval_id>/<sample_id>/<epoch>``. A sample's messages become a `Message`
each (system, user and assistant text), a `Reasoning` per reasoning block, a `ToolCall` per
assistant ``tool_calls`` entry and a `ToolResult` per ``tool`` message (``is_error`` when it
carries an ``error``); its scores (and any sample error) become a last `Lifecycle`
``scored``. ``attachment://`` references are resolved from the sample's attachments.
Timestamps come from the sample's ``model`` and ``tool`` events where they name the message
or call; other messages take the time of the one before.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from watchkeeper.events import Event, Lifecycle, Message, Reasoning, ToolCall, ToolResult
from watchkeeper.importers._errors import ImportFileError
from watchkeeper.importers._identity import parse_timestamp, stable_id
from watchkeeper.importers._output import capped_output
from watchkeeper.importers._reading import read_import_file
from watchkeeper.importers._writer import ParsedFile, file_digest, import_marker

__all__ = ["read_inspect_log"]

FORMAT = "inspect"
_SOURCE = "import:inspect"
_ATTACHMENT = "attachment://"
_ROLES: dict[str, Literal["user", "assistant", "system"]] = {
    "user": "user",
    "assistant": "assistant",
    "system": "system",
}


def _loads(path: Path, data: bytes, member: str | None = None) -> Any:
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON ({exc.msg})"
        raise ImportFileError(
            path, exc.lineno, problem, "is the log complete?", member=member
        ) from exc
    except ValueError as exc:
        raise ImportFileError(path, None, f"not valid JSON ({exc})", "check the file") from exc


def _object(path: Path, value: Any, what: str, member: str | None = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        problem = f"{what} is not a JSON object"
        raise ImportFileError(path, None, problem, "is this an Inspect log?", member=member)
    return value


def _eval_log(path: Path, data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the header and samples of a ``.eval`` zip (its bytes: `data`)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(path, None, "not a zip archive", "is this a `.eval` log?") from exc
    with archive:
        names = archive.namelist()
        header_name = next((n for n in ("header.json", "_journal/start.json") if n in names), None)
        if header_name is None:
            problem = "has neither `header.json` nor `_journal/start.json`"
            raise ImportFileError(path, None, problem, "is this a `.eval` log?")
        header = _object(path, _loads(path, archive.read(header_name), header_name), "header")
        samples = [
            _object(path, _loads(path, archive.read(name), name), "sample", name)
            for name in names
            if name.startswith("samples/") and name.endswith(".json")
        ]
    return header, samples


def _json_log(path: Path, data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    log = _object(path, _loads(path, data), "the log")
    samples = log.get("samples") or []
    if not isinstance(samples, list):
        raise ImportFileError(path, None, "`samples` is not a list", "is this an Inspect log?")
    return log, [_object(path, sample, "a sample") for sample in samples]


def _resolve(value: Any, attachments: Mapping[str, Any]) -> Any:
    """Return `value` with every ``attachment://<hash>`` string replaced by its content."""
    if isinstance(value, str):
        if value.startswith(_ATTACHMENT):
            return attachments.get(value[len(_ATTACHMENT) :], value)
        return value
    if isinstance(value, list):
        return [_resolve(item, attachments) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item, attachments) for key, item in value.items()}
    return value


def _times(sample: Mapping[str, Any]) -> dict[str, datetime]:
    """Return the time of each assistant message id and tool call id the events mention."""
    times: dict[str, datetime] = {}
    events = sample.get("events")
    for event in events if isinstance(events, list) else ():
        if not isinstance(event, Mapping):
            continue
        ts = parse_timestamp(event.get("completed")) or parse_timestamp(event.get("timestamp"))
        if ts is None:
            continue
        if event.get("event") == "tool" and isinstance(event.get("id"), str):
            times.setdefault(event["id"], ts)
        elif event.get("event") == "model":
            output = event.get("output")
            choices = output.get("choices") if isinstance(output, Mapping) else None
            for choice in choices if isinstance(choices, list) else ():
                message = choice.get("message") if isinstance(choice, Mapping) else None
                if isinstance(message, Mapping) and isinstance(message.get("id"), str):
                    times.setdefault(message["id"], ts)
    return times


def _first_time(sample: Mapping[str, Any]) -> datetime | None:
    events = sample.get("events")
    for event in events if isinstance(events, list) else ():
        if isinstance(event, Mapping) and (ts := parse_timestamp(event.get("timestamp"))):
            return ts
    return None


def _text_and_reasoning(content: Any) -> tuple[str, list[str]]:
    """Return a message's text (text blocks joined) and its readable reasoning blocks."""
    if isinstance(content, str):
        return content, []
    texts: list[str] = []
    reasoning: list[str] = []
    for block in content if isinstance(content, list) else ():
        if not isinstance(block, Mapping):
            continue
        kind = block.get("type")
        if kind == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif kind == "reasoning" and not block.get("redacted"):
            text = block.get("reasoning") or block.get("summary")
            if isinstance(text, str) and text.strip():
                reasoning.append(text)
        elif isinstance(kind, str):
            texts.append(f"[{kind}]")
    return "\n".join(texts), reasoning


def _arguments(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"input": value}
        if isinstance(parsed, dict):
            return parsed
    return {"input": value}


class _Sample:
    """Builds the events of one sample."""

    def __init__(self, session_id: str, deployment_id: str, start: datetime) -> None:
        self.session_id = session_id
        self.deployment_id = deployment_id
        self.ts = start
        self.tools: dict[str, str] = {}
        self.events: list[Event] = []

    def base(self, *key: str | int) -> dict[str, Any]:
        return {
            "id": stable_id(FORMAT, self.session_id, *key),
            "ts": self.ts,
            "deployment_id": self.deployment_id,
            "session_id": self.session_id,
        }

    def message(
        self, index: int, message: Mapping[str, Any], times: Mapping[str, datetime]
    ) -> None:
        role = message.get("role")
        message_id = message.get("id")
        if isinstance(message_id, str) and message_id in times:
            self.ts = times[message_id]
        text, reasoning = _text_and_reasoning(message.get("content"))
        if role == "tool":
            self._tool_result(index, message, text, times)
            return
        for number, thought in enumerate(reasoning):
            self.events.append(Reasoning(**self.base(index, "reasoning", number), text=thought))
        speaker = _ROLES.get(str(role))
        if speaker is not None and text.strip():
            self.events.append(Message(**self.base(index, "text"), role=speaker, text=text))
        calls = message.get("tool_calls")
        for number, call in enumerate(calls if isinstance(calls, list) else ()):
            if isinstance(call, Mapping) and isinstance(call.get("function"), str):
                self._tool_call(index, number, call)

    def _tool_call(self, index: int, number: int, call: Mapping[str, Any]) -> None:
        call_id = call.get("id") if isinstance(call.get("id"), str) else None
        if call_id is not None:
            self.tools[call_id] = call["function"]
        self.events.append(
            ToolCall(
                **self.base(index, "call", number),
                tool=call["function"],
                args=_arguments(call.get("arguments")),
                tool_use_id=call_id,
                source=_SOURCE,
            )
        )

    def _tool_result(
        self, index: int, message: Mapping[str, Any], text: str, times: Mapping[str, datetime]
    ) -> None:
        call_id = (
            message.get("tool_call_id") if isinstance(message.get("tool_call_id"), str) else None
        )
        if call_id is not None and call_id in times:
            self.ts = times[call_id]
        error = message.get("error")
        output: Any = text
        if isinstance(error, Mapping):
            output = {"error": error.get("type"), "message": error.get("message"), "output": text}
        function = message.get("function")
        self.events.append(
            ToolResult(
                **self.base(index, "result"),
                tool=function if isinstance(function, str) else self.tools.get(call_id or ""),
                tool_use_id=call_id,
                output=capped_output(output),
                is_error=error is not None,
            )
        )


def _sample_events(
    path: Path, sample: Mapping[str, Any], session_id: str, deployment_id: str, start: datetime
) -> list[Event]:
    attachments = sample.get("attachments")
    attachments = attachments if isinstance(attachments, Mapping) else {}
    messages = sample.get("messages")
    if not isinstance(messages, list):
        messages = []
    builder = _Sample(session_id, deployment_id, _first_time(sample) or start)
    times = _times(sample)
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping):
            problem = f"sample `{session_id}` message {index} is not an object"
            raise ImportFileError(path, None, problem, "is the log complete?")
        builder.message(index, _resolve(message, attachments), times)
    scores, error = sample.get("scores"), sample.get("error")
    if scores or error:
        detail = {"scores": scores, "target": sample.get("target"), "error": error}
        builder.events.append(
            Lifecycle(
                **builder.base("scored"), phase="scored", detail=_resolve(detail, attachments)
            )
        )
    return builder.events


def read_inspect_log(path: Path, *, deployment_id: str = "imported") -> ParsedFile:
    """Return the events of every sample in the Inspect log at `path`.

    Raises `ImportFileError` (naming the file, the zip member and the line where known) for a
    log that cannot be read; nothing is returned for it, so a caller never records part of it.
    """
    data = read_import_file(path)
    header, samples = (_eval_log if path.suffix == ".eval" else _json_log)(path, data)
    spec = header.get("eval")
    if not isinstance(spec, dict):
        spec = {}
    eval_id = next(
        (str(spec[k]) for k in ("eval_id", "task_id", "run_id") if spec.get(k)), path.stem
    )
    start = parse_timestamp(spec.get("created")) or datetime.fromtimestamp(
        path.stat().st_mtime, UTC
    )
    digest = file_digest(data)
    parsed = ParsedFile()
    for sample in samples:
        session_id = f"{eval_id}/{sample.get('id')}/{sample.get('epoch', 1)}"[:200]
        parsed.events.extend(_sample_events(path, sample, session_id, deployment_id, start))
        parsed.markers.append(
            import_marker(
                fmt=FORMAT,
                path=path,
                digest=digest,
                session_id=session_id,
                deployment_id=deployment_id,
                task=spec.get("task"),
                model=spec.get("model"),
                eval_id=eval_id,
                sample_id=sample.get("id"),
                epoch=sample.get("epoch", 1),
                status=header.get("status"),
            )
        )
    return parsed
