"""A tool call made readable: parsed commands, paths, hosts, a diff for edits, the raw input."""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.events import ToolCall
from watchkeeper.normalize import Normalizer
from watchkeeper.review.web._diff import DiffLine, call_diff
from watchkeeper.review.web._text import Clipped, clip, plain

__all__ = ["CallView", "call_view", "summary"]

_SUMMARY_CHARS = 200


@dataclass(frozen=True, slots=True)
class CommandView:
    """One simple command of a shell line, its argv and what was peeled to find it."""

    argv: tuple[str, ...]
    wrappers: tuple[str, ...]
    detached: bool


@dataclass(frozen=True, slots=True)
class CallView:
    """Everything a reviewer needs to judge one call without reading raw JSON."""

    tool: str
    cwd: str
    summary: str
    commands: tuple[CommandView, ...]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    hosts: tuple[str, ...]
    code: tuple[str, ...]
    detached: tuple[str, ...]
    errors: tuple[str, ...]
    diff: tuple[DiffLine, ...] | None
    args: Clipped


def summary(call: ToolCall) -> str:
    """Return one line naming what `call` does (its command, path or url), cleaned and cut."""
    args = call.args
    for key in ("command", "file_path", "url", "path", "pattern", "query"):
        value = args.get(key)
        if isinstance(value, str) and value:
            line = plain(value).replace("\n", " ⏎ ")
            return line[:_SUMMARY_CHARS] + ("…" if len(line) > _SUMMARY_CHARS else "")
    return ""


def _cut(values: tuple[str, ...], limit: int = 50) -> tuple[str, ...]:
    return tuple(plain(v)[:1000] for v in values[:limit])


def call_view(call: ToolCall, normalizer: Normalizer) -> CallView:
    """Return `call` as a `CallView`; a call the normaliser cannot read still shows its input."""
    try:
        action = normalizer.tool_call(call)
    except Exception as exc:  # noqa: BLE001 - a reviewer still sees the raw input
        errors: tuple[str, ...] = (f"could not parse the call: {type(exc).__name__}: {exc}",)
        return CallView(
            plain(call.tool),
            plain(call.cwd or ""),
            summary(call),
            (),
            (),
            (),
            (),
            (),
            (),
            errors,
            call_diff(call.tool, call.args),
            clip(call.args),
        )
    commands = tuple(
        CommandView(_cut(c.argv, 200), _cut(c.wrappers), c.detached) for c in action.commands[:50]
    )
    return CallView(
        tool=plain(call.tool),
        cwd=plain(call.cwd or ""),
        summary=summary(call),
        commands=commands,
        reads=_cut(action.reads),
        writes=_cut(action.writes),
        hosts=_cut(action.hosts),
        code=tuple(plain(f"{c.kind}: {c.detail}") for c in action.code[:20]),
        detached=_cut(action.detached),
        errors=_cut(action.errors),
        diff=call_diff(call.tool, call.args),
        args=clip(call.args),
    )
