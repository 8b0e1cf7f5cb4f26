"""Unified diffs of what a Write, Edit or MultiEdit call would change, for people to read."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from watchkeeper.review.web._text import plain

__all__ = ["DiffLine", "call_diff"]

#: The most diff lines one call shows.
MAX_DIFF_LINES = 2000
#: Longer inputs are diffed only up to this many characters each.
MAX_DIFF_INPUT = 256 * 1024

LineKind = Literal["add", "del", "hunk", "file", "ctx", "note"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a diff and how to style it."""

    kind: LineKind
    text: str


def _text(args: Mapping[str, Any], key: str) -> str:
    value = args.get(key)
    return plain(value[:MAX_DIFF_INPUT]) if isinstance(value, str) else ""


def _pairs(tool: str, args: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    if tool == "Write":
        return [("", _text(args, "content"))]
    if tool == "Edit":
        return [(_text(args, "old_string"), _text(args, "new_string"))]
    if tool == "MultiEdit":
        edits = args.get("edits")
        if not isinstance(edits, list):
            return []
        return [
            (_text(edit, "old_string"), _text(edit, "new_string"))
            for edit in edits
            if isinstance(edit, Mapping)
        ]
    return None


def _kind(line: str) -> LineKind:
    if line.startswith(("+++", "---")):
        return "file"
    if line.startswith("@@"):
        return "hunk"
    if line.startswith("+"):
        return "add"
    if line.startswith("-"):
        return "del"
    return "ctx"


def call_diff(tool: str, args: Mapping[str, Any]) -> tuple[DiffLine, ...] | None:
    """Return the diff a `tool` call with `args` would make, or None for other tools.

    A Write is shown as all added (the old content is not known to the gateway); each edit
    of an Edit or MultiEdit is diffed old string against new string.
    """
    pairs = _pairs(tool, args)
    if pairs is None:
        return None
    path = plain(str(args.get("file_path", "")))[:500] or "(no path)"
    lines: list[DiffLine] = []
    for old, new in pairs:
        diff = difflib.unified_diff(
            old.splitlines(), new.splitlines(), f"a{path}", f"b{path}", lineterm=""
        )
        for line in diff:
            if len(lines) >= MAX_DIFF_LINES:
                lines.append(DiffLine("note", f"… diff cut at {MAX_DIFF_LINES} lines"))
                return tuple(lines)
            lines.append(DiffLine(_kind(line), line))
    return tuple(lines)
