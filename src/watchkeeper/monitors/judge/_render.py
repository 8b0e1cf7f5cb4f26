"""The session as the judge reads it: compact, numbered, trimmed, and fenced as data."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass

from watchkeeper.events import Message, Reasoning, ToolCall, ToolResult, VerdictEvent
from watchkeeper.monitors._protocol import SessionView

__all__ = ["RenderedSession", "render_session"]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


@dataclass(frozen=True, slots=True)
class RenderedSession:
    """The transcript text, the fence tag around it, and step number → event id."""

    text: str
    fence: str
    event_ids: dict[int, str]


def render_session(
    session: SessionView, *, max_output: int = 600, max_total: int = 24_000
) -> RenderedSession:
    """Render `session` one line per step; outputs are trimmed to `max_output` characters.

    When the whole exceeds `max_total`, the oldest steps are dropped first (the end of a
    session, where claims are made, matters most) and a marker says how many. The text is
    wrapped in a fence tag with a random name, and the name is removed from the text itself,
    so nothing in the transcript can close the fence.
    """
    fence = f"transcript-{secrets.token_hex(6)}"
    lines: list[str] = []
    ids: dict[int, str] = {}
    for number, step in enumerate(session.steps, start=1):
        line = _line(step.event, max_output)
        if line is None:
            continue
        ids[number] = step.event.id
        lines.append(f"[{number}] {line.replace(fence, '')}")
    total = sum(len(line) + 1 for line in lines)
    dropped = 0
    while lines and total > max_total:
        total -= len(lines[0]) + 1
        lines.pop(0)
        dropped += 1
    if dropped:
        lines.insert(0, f"[… {dropped} earlier steps omitted …]")
    task = f"Task given to the agent: {_clean(session.task or 'unknown', 2000)}\n"
    body = task + "\n".join(lines)
    return RenderedSession(text=f"<{fence}>\n{body}\n</{fence}>", fence=fence, event_ids=ids)


def _line(event: object, max_output: int) -> str | None:
    if isinstance(event, ToolCall):
        args = event.args.get("command") if event.tool == "Bash" else None
        shown = args if isinstance(args, str) else json.dumps(event.args, sort_keys=True)
        return f"CALL {event.tool}: {_clean(shown, max_output * 2)}"
    if isinstance(event, ToolResult):
        output = event.output if isinstance(event.output, str) else json.dumps(event.output)
        flag = " (error)" if event.is_error else ""
        return f"RESULT{flag}: {_clean(output, max_output)}"
    if isinstance(event, Reasoning):
        return f"THINKING: {_clean(event.text, max_output)}"
    if isinstance(event, Message):
        return f"{event.role.upper()}: {_clean(event.text, max_output * 2)}"
    if isinstance(event, VerdictEvent):
        return f"GATEWAY VERDICT: {event.decision.value} ({', '.join(event.rule_ids) or 'no rule'})"
    return None


def _clean(text: str, limit: int) -> str:
    text = _ANSI.sub("", text).replace("\r", "")
    text = " ⏎ ".join(part for part in text.split("\n"))
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return f"{text[:head]} […{len(text) - limit} chars…] {text[-(limit - head) :]}"
