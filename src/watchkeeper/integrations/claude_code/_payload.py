"""Claude Code hook payload fields → event fields (pure functions, no I/O)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from watchkeeper.integrations.claude_code._output_cap import cap_output

__all__ = ["lifecycle_detail", "phase_name", "text_field", "tool_output"]

#: Longest string kept in full in a lifecycle detail (e.g. ``last_assistant_message``).
DETAIL_STRING_CAP = 4096

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_ENVELOPE = frozenset({"session_id", "hook_event_name"})


def phase_name(event: str) -> str:
    """Return the lifecycle phase for a hook event name: ``SubagentStop`` → ``subagent_stop``."""
    snake = _CAMEL_BOUNDARY.sub("_", event.strip()).lower()
    return _NOT_WORD.sub("_", snake).strip("_")[:100] or "unknown"


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def tool_output(response: Any) -> Any:
    """Return a tool response as recorded: itself, or its capped summary if too large."""
    return cap_output(response, _json_text(response))


def text_field(payload: Mapping[str, Any], key: str) -> str | None:
    """Return `payload[key]` if it is a string, else None."""
    value = payload.get(key)
    return value if isinstance(value, str) else None


def lifecycle_detail(payload: Mapping[str, Any], event: str) -> dict[str, Any]:
    """Return every payload field except the envelope, with long values capped."""
    detail: dict[str, Any] = {"event": event}
    for key, value in payload.items():
        if key in _ENVELOPE:
            continue
        if isinstance(value, str) and len(value) > DETAIL_STRING_CAP:
            detail[key] = value[:DETAIL_STRING_CAP]
            detail[f"{key}_chars"] = len(value)
        elif isinstance(value, Mapping | list):
            detail[key] = cap_output(value, _json_text(value))
        else:
            detail[key] = value
    return detail
