"""Non-shell tools: Claude Code's built-in tools, MCP tools and generic function tools.

Each maps its arguments to reads, writes, URLs and hosts. A missing or non-string argument
never raises; it is recorded in `errors` so the policy can treat the call as not understood.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from watchkeeper.normalize._hosts import file_url_path, find_urls, url_host
from watchkeeper.normalize._paths import resolve_path

__all__ = ["ToolFacts", "mcp_names", "tool_facts"]

_PATH_KEYS = frozenset(
    {"path", "file", "filename", "file_path", "filepath", "directory", "dir", "dirname",
     "folder", "paths", "files", "source", "destination", "dest", "target", "src", "dst",
     "notebook_path", "cwd", "root", "output", "input", "location"}
)  # fmt: skip
_WRITE_VERBS = re.compile(
    r"write|create|delete|remove|move|rename|save|upload|put|edit|update|append|mkdir|"
    r"patch|insert|replace|set|modify|copy|rm|touch|chmod|install",
    re.IGNORECASE,
)
_MAX_SCAN_DEPTH = 8
_MAX_SCAN_ITEMS = 10_000


@dataclass(slots=True)
class ToolFacts:
    """What a non-shell tool call touches."""

    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def mcp_names(tool: str) -> tuple[str, str] | None:
    """Split ``mcp__<server>__<tool>`` into (server, tool); None for other names."""
    if not tool.startswith("mcp__"):
        return None
    server, sep, name = tool[5:].partition("__")
    if not sep or not server or not name:
        return None
    return server, name


class _Scanner:
    def __init__(self, facts: ToolFacts, *, cwd: str | None, home: str) -> None:
        self.facts = facts
        self.cwd = cwd
        self.home = home

    def path(self, value: str) -> str:
        return resolve_path(value, cwd=self.cwd, home=self.home)

    def url(self, url: str) -> None:
        self.facts.urls.append(url)
        host = url_host(url)
        if host:
            self.facts.hosts.append(host)
        local = file_url_path(url)
        if local:
            self.facts.reads.append(self.path(local))

    def text(self, value: str) -> None:
        for url in find_urls(value):
            self.url(url)

    def required(self, args: Mapping[str, Any], key: str, tool: str) -> str | None:
        value = args.get(key)
        if isinstance(value, str) and value:
            return value
        shown = "missing" if value is None else f"a {type(value).__name__}"
        self.facts.errors.append(
            f"tool `{tool}` argument `{key}` is {shown}; pass a non-empty string"
        )
        return None

    def optional(self, args: Mapping[str, Any], key: str, tool: str) -> str | None:
        if args.get(key) is None:
            return None
        return self.required(args, key, tool)


def _leaves(value: Any, key: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value with the nearest enclosing key, breadth-limited."""
    if depth > _MAX_SCAN_DEPTH:
        return
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _leaves(v, str(k), depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, key, depth + 1)


def _scan_generic(tool: str, args: Mapping[str, Any], scan: _Scanner) -> None:
    writes = bool(_WRITE_VERBS.search(tool.rpartition("__")[2] or tool))
    for count, (key, value) in enumerate(_leaves(args)):
        if count >= _MAX_SCAN_ITEMS:
            scan.facts.errors.append(f"tool `{tool}` arguments are too large to scan fully")
            return
        scan.text(value)
        lowered = key.lower()
        if "://" in value or not value.strip():
            continue
        if lowered in _PATH_KEYS or lowered.endswith(("_path", "_file", "_dir", "path")):
            path = scan.path(value)
            (scan.facts.writes if writes else scan.facts.reads).append(path)


def tool_facts(tool: str, args: Mapping[str, Any], *, cwd: str | None, home: str) -> ToolFacts:
    """Return what `tool` called with `args` reads, writes and contacts."""
    facts = ToolFacts()
    scan = _Scanner(facts, cwd=cwd, home=home)
    if tool == "Read":
        path = scan.required(args, "file_path", tool)
        if path:
            facts.reads.append(scan.path(path))
    elif tool in ("Write", "Edit", "MultiEdit"):
        path = scan.required(args, "file_path", tool)
        if path:
            facts.writes.append(scan.path(path))
    elif tool == "NotebookEdit":
        path = scan.required(args, "notebook_path", tool)
        if path:
            facts.writes.append(scan.path(path))
    elif tool == "WebFetch":
        url = scan.required(args, "url", tool)
        if url:
            found = find_urls(url)
            if found:
                scan.url(found[0])
            else:
                scan.url("https://" + url)
    elif tool == "WebSearch":
        scan.required(args, "query", tool)
    elif tool in ("Glob", "Grep", "LS"):
        if tool == "Glob":
            scan.required(args, "pattern", tool)
        if tool == "Grep":
            scan.required(args, "pattern", tool)
        path = scan.optional(args, "path", tool)
        root = scan.path(path) if path else scan.path(".")
        facts.reads.append(root)
        pattern = scan.optional(args, "glob", tool) if tool == "Grep" else None
        if pattern:
            # `Grep` with `glob: ".env"` reads every `.env` under the root, hidden or not.
            facts.reads.append(posixpath.join(root, "**", pattern.removeprefix("**/")))
    elif tool in ("Task", "TodoWrite", "BashOutput", "KillShell", "KillBash", "Skill", "Agent"):
        pass
    else:
        _scan_generic(tool, args, scan)
    return facts
