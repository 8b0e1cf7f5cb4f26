"""Claude Code session transcripts (JSONL) → ledger events.

One file is one session: its id is the transcript's ``sessionId`` (the file name's stem when no
line has one). From ``user`` and ``assistant`` lines this makes a `Message` per text block, a
`Reasoning` per ``thinking`` block, a `ToolCall` per ``tool_use`` and a `ToolResult` per
``tool_result`` (its output is the line's ``toolUseResult`` when it has one, the structured
value the hooks see, else the block's content); the older ``summary`` line and the
``compact_boundary`` system line become `Lifecycle` events. ``progress``, snapshot and queue
lines carry nothing to record and are skipped.

Sidechain (subagent) lines are kept and marked: their tool calls and results carry the
line's ``agentId`` as `agent_id`, and their messages and reasoning have `source_ref`
``sidechain/<agentId>/<uuid>`` (main-chain ones have the bare ``uuid``, as the hook's
transcript reader writes). Event ids derive from (session, line ``uuid``, block index), so a
transcript that grew since the last import adds only its new lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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

__all__ = ["read_claude_code", "transcript_files"]

FORMAT = "claude-code"
_SOURCE = "import:claude-code"

Role = Literal["user", "assistant", "system"]


def transcript_files(paths: Iterable[Path]) -> list[Path]:
    """Return the transcripts to import for `paths`, each once, in a stable order.

    A directory stands for every ``*.jsonl`` below it; a file for itself and the subagent
    transcripts Claude Code writes beside it (``<stem>/subagents/*.jsonl``), which come right
    after it, so a session's main chain is recorded before its sidechains. Raises
    `ImportFileError` for a path that does not exist.
    """
    found: dict[Path, None] = {}

    def add(transcript: Path) -> None:
        found[transcript] = None
        subagents = transcript.parent / transcript.stem / "subagents"
        if subagents.is_dir():
            found.update(dict.fromkeys(sorted(subagents.glob("*.jsonl"))))

    for path in paths:
        if path.is_dir():
            below = sorted(path.rglob("*.jsonl"))
            for transcript in below:
                if transcript.parent.name != "subagents":
                    add(transcript)
            found.update(dict.fromkeys(below))
        elif path.is_file():
            add(path)
        else:
            raise ImportFileError(path, None, "does not exist", "check the path")
    return list(found)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _result_text(content: object) -> Any:
    """Return a `tool_result` block's content as text where it is text blocks, else as it is."""
    if not isinstance(content, list):
        return content
    parts: list[str] = []
    for block in content:
        if isinstance(block, Mapping) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        elif isinstance(block, Mapping):
            parts.append(f"[{block.get('type', 'block')}]")
    return "\n".join(parts)


@dataclass(slots=True)
class _Line:
    """What the blocks of one conversation line share."""

    number: int
    record: Mapping[str, Any]
    key: str
    ref: str | None
    role: Role = "user"
    agent: str | None = None
    structured: Any = None


class _Reader:
    """Builds the events of one transcript; raises `ImportFileError` at the first bad line."""

    def __init__(self, path: Path, session_id: str, deployment_id: str, start: datetime) -> None:
        self.path = path
        self.session_id = session_id
        self.deployment_id = deployment_id
        self.ts = start
        self.tools: dict[str, str] = {}
        self.events: list[Event] = []

    def line(self, number: int, record: Mapping[str, Any]) -> None:
        self.ts = parse_timestamp(record.get("timestamp")) or self.ts
        kind = record.get("type")
        if kind == "summary":
            self._summary(number, record)
        elif kind == "system" and record.get("subtype") == "compact_boundary":
            self._compaction(number, record)
        elif kind in ("user", "assistant"):
            self._conversation(number, record, kind)

    def _base(self, key: str, index: int) -> dict[str, Any]:
        return {
            "id": stable_id(FORMAT, self.session_id, key, index),
            "ts": self.ts,
            "deployment_id": self.deployment_id,
            "session_id": self.session_id,
        }

    def _summary(self, number: int, record: Mapping[str, Any]) -> None:
        leaf = _text(record.get("leafUuid"))
        detail = {"summary": record.get("summary"), "leaf_uuid": leaf}
        key = f"summary/{leaf or number}"
        self.events.append(Lifecycle(**self._base(key, 0), phase="summary", detail=detail))

    def _compaction(self, number: int, record: Mapping[str, Any]) -> None:
        key = _text(record.get("uuid")) or f"line/{number}"
        detail = {"content": record.get("content"), "metadata": record.get("compactMetadata")}
        self.events.append(Lifecycle(**self._base(key, 0), phase="compaction", detail=detail))

    def _conversation(self, number: int, record: Mapping[str, Any], kind: str) -> None:
        message = record.get("message")
        if not isinstance(message, Mapping):
            problem = f"`{kind}` record has no `message` object"
            raise ImportFileError(self.path, number, problem, "fix or remove that line")
        content = message.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        if not isinstance(content, list):
            problem = f"`{kind}` message content is neither text nor a list of blocks"
            raise ImportFileError(self.path, number, problem, "fix or remove that line")
        uuid = _text(record.get("uuid"))
        line = _Line(number=number, record=record, key=uuid or f"line/{number}", ref=uuid)
        if record.get("isSidechain") is True:
            line.agent = _text(record.get("agentId")) or "sidechain"
            line.ref = f"sidechain/{line.agent}/{uuid or number}"
        if kind == "assistant":
            line.role = "assistant"
        elif record.get("isMeta") is True or record.get("isCompactSummary") is True:
            line.role = "system"
        results = sum(
            1 for b in content if isinstance(b, Mapping) and b.get("type") == "tool_result"
        )
        line.structured = record.get("toolUseResult") if results == 1 else None
        for index, block in enumerate(content):
            if not isinstance(block, Mapping):
                problem = f"content block {index} is not an object"
                raise ImportFileError(self.path, number, problem, "fix or remove that line")
            event = self._block(line, index, block)
            if event is not None:
                self.events.append(event)

    def _block(self, line: _Line, index: int, block: Mapping[str, Any]) -> Event | None:
        kind = block.get("type")
        base = self._base(line.key, index)
        if kind == "text":
            text = block.get("text")
            if not isinstance(text, str) or not text.strip():
                return None
            return Message(**base, role=line.role, text=text, source_ref=line.ref)
        if kind == "thinking":
            text = block.get("thinking")
            if not isinstance(text, str) or not text.strip():
                return None
            return Reasoning(**base, text=text, source_ref=line.ref)
        if kind == "tool_use":
            return self._tool_use(line, index, block)
        if kind == "tool_result":
            use_id = _text(block.get("tool_use_id"))
            output = line.structured
            if output is None:
                output = _result_text(block.get("content"))
            return ToolResult(
                **base,
                tool=self.tools.get(use_id or ""),
                tool_use_id=use_id,
                output=capped_output(output),
                is_error=block.get("is_error") is True,
                agent_id=line.agent,
            )
        return None

    def _tool_use(self, line: _Line, index: int, block: Mapping[str, Any]) -> ToolCall:
        name = _text(block.get("name"))
        if name is None:
            problem = f"`tool_use` block {index} has no `name`"
            raise ImportFileError(self.path, line.number, problem, "fix or remove that line")
        use_id = _text(block.get("id"))
        if use_id is not None:
            self.tools[use_id] = name
        args = block.get("input")
        return ToolCall(
            **self._base(line.key, index),
            tool=name,
            args=dict(args) if isinstance(args, Mapping) else {"input": args},
            tool_use_id=use_id,
            cwd=_text(line.record.get("cwd")),
            agent_id=line.agent,
            source=_SOURCE,
        )


def read_claude_code(path: Path, *, deployment_id: str = "imported") -> ParsedFile:
    """Return the events of the transcript at `path`, or raise `ImportFileError` naming the line.

    Nothing is returned for a file with a bad line, so a caller never records part of it.
    """
    data = read_import_file(path)
    records = json_lines(path, data)
    session_id = next((r["sessionId"] for _, r in records if _text(r.get("sessionId"))), path.stem)[
        :200
    ]
    start = next(
        (ts for _, r in records if (ts := parse_timestamp(r.get("timestamp")))),
        datetime.fromtimestamp(path.stat().st_mtime, UTC),
    )
    reader = _Reader(path, session_id, deployment_id, start)
    for number, record in records:
        reader.line(number, record)
    agents = {r.get("agentId") for _, r in records if r.get("isSidechain") is True}
    first = next((r for _, r in records if r.get("type") in ("user", "assistant")), {})
    marker = import_marker(
        fmt=FORMAT,
        path=path,
        digest=file_digest(data),
        session_id=session_id,
        deployment_id=deployment_id,
        lines=len(records),
        sidechain=bool(agents),
        agent_ids=sorted(str(a) for a in agents if a),
        version=first.get("version"),
        cwd=first.get("cwd"),
        git_branch=first.get("gitBranch"),
    )
    return ParsedFile(reader.events, [marker])
