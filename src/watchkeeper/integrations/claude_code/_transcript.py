"""Claude Code transcript lines → reasoning and assistant-message events.

A transcript is JSONL: one record per line, most of which (``user``, ``system``,
``progress``, ``file-history-snapshot``, ``queue-operation``, ``summary``…) are already seen
through hook payloads or carry nothing to record. From ``assistant`` records this keeps each
``thinking`` block as `Reasoning` and each ``text`` block as an assistant `Message`, with
`source_ref` set to the line's ``uuid``. Lines that are not JSON objects become
`ErrorEvent`s; nothing here raises on hostile input.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from watchkeeper.events import ErrorEvent, Event, Message, Reasoning

__all__ = ["TranscriptReader"]

#: Characters of an unreadable line kept in its ErrorEvent.
_RAW_KEEP = 2000


class TranscriptReader:
    """Turns transcript lines into events, dropping blocks it has already turned into events.

    Concurrent hook calls can send the same lines twice; the reader remembers the last
    `remember` (deployment, session, line uuid, block index) keys it emitted and skips them.
    """

    def __init__(self, *, remember: int = 100_000) -> None:
        self._seen: OrderedDict[tuple[str, str, str, int], None] = OrderedDict()
        self._remember = remember
        self._lock = threading.Lock()

    def read(
        self, lines: Iterable[str], *, session_id: str, deployment_id: str = "local"
    ) -> list[Event]:
        """Return the events in `lines` that were not returned before, in order."""
        events: list[Event] = []
        for line in lines:
            if not isinstance(line, str):
                events.append(_unreadable(repr(line), "not text", session_id, deployment_id))
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                events.append(_unreadable(line, f"not JSON ({exc})", session_id, deployment_id))
                continue
            if not isinstance(record, dict):
                events.append(_unreadable(line, "not a JSON object", session_id, deployment_id))
                continue
            if record.get("type") == "assistant":
                events.extend(self._assistant(record, session_id, deployment_id))
        return events

    def _assistant(
        self, record: Mapping[str, Any], session_id: str, deployment_id: str
    ) -> list[Event]:
        message = record.get("message")
        content = message.get("content") if isinstance(message, Mapping) else None
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        if not isinstance(content, list):
            return []
        uuid = record.get("uuid")
        ref = uuid if isinstance(uuid, str) and uuid else None
        events: list[Event] = []
        for index, block in enumerate(content):
            if not isinstance(block, Mapping):
                continue
            kind = block.get("type")
            text = block.get("thinking") if kind == "thinking" else block.get("text")
            if kind not in ("thinking", "text") or not isinstance(text, str) or not text.strip():
                continue
            if ref is not None and not self._first_time((deployment_id, session_id, ref, index)):
                continue
            if kind == "thinking":
                events.append(
                    Reasoning(
                        deployment_id=deployment_id,
                        session_id=session_id,
                        text=text,
                        source_ref=ref,
                    )
                )
            else:
                events.append(
                    Message(
                        deployment_id=deployment_id,
                        session_id=session_id,
                        role="assistant",
                        text=text,
                        source_ref=ref,
                    )
                )
        return events

    def _first_time(self, key: tuple[str, str, str, int]) -> bool:
        with self._lock:
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > self._remember:
                self._seen.popitem(last=False)
            return True


def _unreadable(line: str, why: str, session_id: str, deployment_id: str) -> ErrorEvent:
    return ErrorEvent(
        deployment_id=deployment_id,
        session_id=session_id,
        where="claude_code.transcript",
        message=f"transcript line is {why}",
        raw=line[:_RAW_KEEP],
    )
