"""Sessions for the provenance tests: tool results and calls fed to a monitor one by one."""

from __future__ import annotations

from typing import Any

from watchkeeper.events import ToolCall, ToolResult
from watchkeeper.monitors import Finding, Monitor, SessionView, Step, run_monitors
from watchkeeper.normalize import Normalizer

NORMALIZER = Normalizer()


def call(monitor: Monitor, view: SessionView, tool: str, args: dict[str, Any]) -> list[Finding]:
    """Feed a call of `tool` with `args`; return the monitor's findings on it."""
    event = ToolCall(session_id="s1", tool=tool, args=args)
    return run_monitors([monitor], view, Step(len(view.steps), event, NORMALIZER.tool_call(event)))


def result(monitor: Monitor, view: SessionView, tool: str, output: str) -> None:
    """Feed the output of a call of `tool`."""
    event = ToolResult(session_id="s1", tool=tool, output=output)
    run_monitors([monitor], view, Step(len(view.steps), event))
