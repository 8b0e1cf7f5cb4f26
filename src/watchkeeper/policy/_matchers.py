# ruff: noqa: ARG002 - every matcher implements the whole `Matcher` signature, used or not
"""The matchers a rule's `match` block is made of.

Each matcher answers two questions about one unit of an action (a simple shell command, or the
whole call for other tools): `fire` — does any element match (used by deny and ask rules; the
answer names what matched) — and `covers` — does every element match (used by allow rules).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from watchkeeper.normalize import Action, Command
from watchkeeper.policy._argv import ArgvShape, CommandPattern, CompiledPattern, shape_of
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._globs import glob_regex, has_magic
from watchkeeper.policy._paths import PathSet

__all__ = [
    "ArgsMatcher",
    "CodeMatcher",
    "CommandMatcher",
    "DetachedMatcher",
    "HostsMatcher",
    "HostsOutsideMatcher",
    "Matcher",
    "McpServerMatcher",
    "NamedCommand",
    "PathMatcher",
    "SessionMatcher",
    "Shapes",
    "ToolMatcher",
    "Unit",
    "Unshared",
    "clip",
    "describe_command",
]

Unit = Command | Action
_NAME_LIMIT = 4096


def clip(text: str, limit: int = 160) -> str:
    """Shorten `text` for an explanation."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Shapes:
    """The argv → flags/positional splits of one decision, each worked out when first needed.

    The policy makes a fresh one for every `decide` call, so every rule looking at a command's
    flags or subcommand shares one split, and nothing is remembered from call to call. No
    `__init__` and no slots: most decisions never split an argv, and this is the cheapest
    object to make (its attributes start as the class defaults below).
    """

    _argv: tuple[str, ...] | None = None
    _shape: ArgvShape | None = None
    _others: dict[tuple[str, ...], ArgvShape] | None = None

    def get(self, argv: tuple[str, ...]) -> ArgvShape:
        """Return `shape_of(argv)`, computed once per decision."""
        shape = self._shape
        if shape is not None:
            if argv is self._argv:
                return shape
            others = self._others
            if others is None:
                others = self._others = {}
            others[self._argv or ()] = shape
            found = others.get(argv)
            if found is not None:
                self._argv, self._shape = argv, found
                return found
        shape = shape_of(argv)
        self._argv, self._shape = argv, shape
        return shape


class Unshared(Shapes):
    """`Shapes` that keep nothing: every `get` splits the argv anew.

    For a decision none of whose rules splits an argv (the policy's index knows which those
    are), so that it need not make a `Shapes` of its own: holding no state, one serves all.
    """

    def get(self, argv: tuple[str, ...]) -> ArgvShape:
        """Return `shape_of(argv)`."""
        return shape_of(argv)


class Matcher(Protocol):
    """One key of a `match` block."""

    key: str

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        """Return what matched (for the explanation) when any element matches, else None."""
        ...

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        """Return whether every element of `unit` matches."""
        ...


def _any_regex(globs: Sequence[str], *, path: bool, flags: int = 0) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(glob_regex(g, path=path) for g in globs) + r")\Z", flags)


class ToolMatcher:
    """`tool`: the tool name, exactly unless a glob is written.

    Names without glob syntax (`exact`) are a set; the regex for globs is compiled when
    first needed (the policy's index asks once per tool name).
    """

    key = "tool"
    __slots__ = ("_regex", "exact", "names")

    def __init__(self, names: Sequence[str], exact: frozenset[str] | None) -> None:
        self.names = tuple(names)
        self.exact = exact
        self._regex: re.Pattern[str] | None = None

    def matches_tool(self, tool: str) -> bool:
        exact = self.exact
        if exact is not None:
            return tool in exact
        regex = self._regex
        if regex is None:
            regex = self._regex = _any_regex(self.names, path=False, flags=re.DOTALL)
        return regex.match(tool) is not None

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        return f"tool `{action.tool}`" if self.matches_tool(action.tool) else None

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        return self.matches_tool(action.tool)


class CommandMatcher:
    """`command`: argv patterns, see `watchkeeper.policy._argv`."""

    key = "command"
    __slots__ = ("_for_name", "exact_names", "patterns")

    def __init__(self, patterns: Sequence[CommandPattern]) -> None:
        self.patterns = tuple(patterns)
        self._for_name: dict[str, tuple[CompiledPattern, ...] | Literal[True]] = {}
        names: set[str] = set()
        for p in self.patterns:
            if p.exact_names is None:
                self.exact_names: frozenset[str] | None = None
                break
            names |= p.exact_names
        else:
            self.exact_names = frozenset(names)

    def name_matches(self, name: str, *, wrapped: bool = True) -> bool:
        return any(p.name_matches(name, wrapped=wrapped) for p in self.patterns)

    def splits(self, name: str) -> bool:
        """Return whether matching a command called `name` may split its argv (`Shapes.get`)."""
        return any(p.needs_shape for p in self.patterns if p.name_matches(name))

    def _match(self, action: Action, unit: Unit, shapes: Shapes) -> bool:
        if not isinstance(unit, Command):
            return False
        patterns = self._for_name.get(unit.name)
        if patterns is None:
            if len(self._for_name) >= _NAME_LIMIT:
                self._for_name.clear()
            named = [p for p in self.patterns if p.name_matches(unit.name)]
            patterns = self._for_name[unit.name] = (
                True if any(p.trivial for p in named) else tuple(p.compiled() for p in named)
            )
        if patterns is True:
            return True
        for p in patterns:
            shape = shapes.get(unit.argv) if p.needs_shape else None
            if p.matches_named(unit, action.cwd, shape):
                return True
        return False

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        if not self._match(action, unit, shapes):
            return None
        text = unit.text if isinstance(unit, Command) and unit.text else ""
        return f"command `{clip(text or ' '.join(getattr(unit, 'argv', ())))}`"

    def named(self, name: str) -> NamedCommand | None:
        """Return this matcher specialised to commands called `name`.

        None when every command called `name` matches (no further check is needed).
        """
        patterns = [p for p in self.patterns if p.name_matches(name)]
        if any(p.trivial for p in patterns):
            return None
        return NamedCommand(tuple(p.compiled() for p in patterns))

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        return self._match(action, unit, shapes)


class NamedCommand:
    """A `command` matcher specialised to one command name, for a policy's index.

    Equivalent to `CommandMatcher.fire`/`covers` on a `Command` unit of that name, without
    looking the name up again on every call. A lone pattern that only names subcommands is
    decided by its subcommand regex alone, and one whose `args` all need a certain character
    rejects a command none of whose words has it before any other work.
    """

    __slots__ = ("_char", "_only", "_shape", "_subcommands", "patterns")

    def __init__(self, patterns: tuple[CompiledPattern, ...]) -> None:
        self.patterns = patterns
        self._only = patterns[0] if len(patterns) == 1 else None
        self._shape = any(p.needs_shape for p in patterns)
        self._subcommands = self._only.subcommands_only if self._only is not None else None
        self._char = self._only.args_char if self._only is not None else None

    def match(self, action: Action, unit: Command, shapes: Shapes) -> bool:
        """Return whether `unit` (a command of the specialised name) matches a pattern."""
        only = self._only
        if only is not None:
            return only.matches_named(
                unit, action.cwd, shapes.get(unit.argv) if self._shape else None
            )
        shape = shapes.get(unit.argv) if self._shape else None
        cwd = action.cwd
        for p in self.patterns:
            subcommands = p.subcommands_only
            if subcommands is not None and shape is not None:
                if subcommands.match(shape.lead_text) is not None:
                    return True
            elif p.matches_named(unit, cwd, shape if p.needs_shape else None):
                return True
        return False

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        if not isinstance(unit, Command):
            return None
        subcommands = self._subcommands
        if subcommands is not None:  # as in `covers`: the commonest patterns
            if subcommands.match(shapes.get(unit.argv).lead_text) is None:
                return None
        else:
            char = self._char
            # One character is in some word exactly when it is in their concatenation.
            if char is not None and char not in "".join(unit.argv):
                return None
            if not self.match(action, unit, shapes):
                return None
        return describe_command(unit)

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        """`match`, deciding cheaply what the lone pattern's shortcuts can."""
        if not isinstance(unit, Command):
            return False
        subcommands = self._subcommands
        if subcommands is not None:
            return subcommands.match(shapes.get(unit.argv).lead_text) is not None
        char = self._char
        # One character is in some word exactly when it is in their concatenation.
        if char is not None and char not in "".join(unit.argv):
            return False
        return self.match(action, unit, shapes)


def describe_command(unit: Command) -> str:
    """Return how a matched command is named in an explanation."""
    return f"command `{clip(unit.text or ' '.join(unit.argv))}`"


class PathMatcher:
    """`reads` / `writes`: path globs (see `watchkeeper.policy._paths`)."""

    __slots__ = ("_fixed", "_reads", "_testers", "_verb", "key", "paths")

    def __init__(self, key: str, paths: PathSet) -> None:
        self.key = key
        self._reads = key == "reads"
        self.paths = paths
        self._fixed = paths.fixed
        self._testers = paths.testers
        self._verb = "read of" if key == "reads" else "write to"

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        test = self._fixed or self._testers.get(action.cwd) or self.paths.tester(action.cwd)
        for path in unit.reads if self._reads else unit.writes:
            if test(path):
                return f"{self._verb} `{clip(path)}`"
        return None

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        test = self._fixed or self._testers.get(action.cwd) or self.paths.tester(action.cwd)
        for path in unit.reads if self._reads else unit.writes:  # noqa: SIM110 - hot path: a loop beats all() + generator
            if not test(path):
                return False
        return True


class HostsMatcher:
    """`hosts`: host globs (``*.github.com``); case-insensitive.

    Literal hosts are a set and ``*.suffix`` globs a suffix test; only other globs need the
    regex. A ``*`` does not cross a line break, so a host holding one skips the suffix test.
    """

    key = "hosts"
    __slots__ = ("_rest", "_suffixes", "exact", "globs")

    def __init__(self, globs: Sequence[str]) -> None:
        self.globs = tuple(g.lower() for g in globs)
        self.exact = frozenset(g for g in self.globs if not has_magic(g))
        """The literal hosts: a host in this set is contained, as written."""
        suffixes = [g for g in self.globs if g.startswith("*") and not has_magic(g[1:])]
        self._suffixes = tuple(g[1:] for g in suffixes)
        rest = [g for g in self.globs if g not in self.exact and g not in suffixes]
        self._rest = _any_regex(rest, path=False) if rest else None

    def contains(self, host: str) -> bool:
        exact = self.exact
        if host in exact:
            return True
        host = host.lower()
        if host in exact or ("\n" not in host and host.endswith(self._suffixes)):
            return True
        rest = self._rest
        return rest is not None and rest.match(host) is not None

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        for host in unit.hosts:
            if self.contains(host):
                return f"connection to `{clip(host)}`"
        return None

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        exact = self.exact
        for host in unit.hosts:  # noqa: SIM110 - hot path: a loop beats all() + generator
            if host not in exact and not self.contains(host):  # a listed host, without a call
                return False
        return True


class HostsOutsideMatcher:
    """`hosts_outside`: fires when any host is not on the given allowlist (deny/ask only)."""

    key = "hosts_outside"
    __slots__ = ("allowed",)

    def __init__(self, allowed: HostsMatcher) -> None:
        self.allowed = allowed

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        allowed = self.allowed
        exact = allowed.exact
        for host in unit.hosts:
            if host not in exact and not allowed.contains(host):  # a listed host, without a call
                return f"connection to unlisted host `{clip(host)}`"
        return None

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        return bool(unit.hosts) and all(not self.allowed.contains(h) for h in unit.hosts)


class CodeMatcher:
    """`code`: opaque code of the given kinds (or ``any``)."""

    key = "code"
    __slots__ = ("kinds",)

    def __init__(self, kinds: frozenset[str] | None) -> None:
        self.kinds = kinds

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        kinds = self.kinds
        for code in unit.code:
            if kinds is None or code.kind in kinds:
                return f"{code.kind} code `{clip(code.detail)}`"
        return None

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        kinds = self.kinds
        return kinds is None or all(code.kind in kinds for code in unit.code)


class DetachedMatcher:
    """`detached`: whether the unit starts a process that outlives the call."""

    key = "detached"
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        if bool(unit.detached) != self.value:
            return None
        return "a detached process" if self.value else "no detached process"

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        return bool(unit.detached) == self.value


_MISSING = object()


def _lookup(args: Mapping[str, Any], path: Sequence[str]) -> Any:
    value: Any = args
    for part in path:
        if value.__class__ is dict or isinstance(value, Mapping):  # a dict skips the ABC check
            value = value.get(part, _MISSING)
        elif isinstance(value, list | tuple) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _texts(value: Any) -> list[str]:
    if value.__class__ is str:
        return [value]
    if value is _MISSING or value is None:
        return []
    if isinstance(value, list | tuple):
        return [v if isinstance(v, str) else str(v) for v in value]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [value if isinstance(value, str) else str(value)]


class ArgsMatcher:
    """`args`: argument fields by dotted path → glob (or ``re:`` regular expression)."""

    key = "args"
    __slots__ = ("_plain", "fields")

    def __init__(self, fields: Sequence[tuple[str, re.Pattern[str]]]) -> None:
        self.fields = tuple((name, tuple(name.split(".")), regex) for name, regex in fields)
        self._plain = tuple((name if "." not in name else None, regex) for name, regex in fields)
        """Per field: its name when it is a top-level key (else None), and its regex."""

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        hits: list[str] = []
        for name, path, regex in self.fields:
            hit = next((t for t in _texts(_lookup(action.args, path)) if regex.search(t)), None)
            if hit is None:
                return None
            hits.append(f"argument `{name}` = `{clip(hit, 80)}`")
        return " and ".join(hits)

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        args = action.args
        if args.__class__ is dict:  # the usual case: a top-level text field is one search
            for key, regex in self._plain:
                if key is None:
                    break
                value = args.get(key, _MISSING)
                if value.__class__ is not str:
                    break
                if regex.search(value) is None:
                    return False
            else:
                return True
        for _name, path, regex in self.fields:
            texts = _texts(_lookup(args, path))
            if not texts:
                return False
            for text in texts:
                if regex.search(text) is None:
                    return False
        return True


class SessionMatcher:
    """`session`: facts about the session so far (`SessionContext`)."""

    key = "session"
    __slots__ = ("min_denied", "sources", "untrusted_seen")

    def __init__(
        self, *, untrusted_seen: bool | None, sources: frozenset[str], min_denied: int | None
    ) -> None:
        self.untrusted_seen = untrusted_seen
        self.sources = sources
        self.min_denied = min_denied

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        said: list[str] = []
        if self.untrusted_seen is not None:
            if ctx.untrusted_seen != self.untrusted_seen:
                return None
            said.append("untrusted content seen" if self.untrusted_seen else "no untrusted content")
        if self.sources:
            found = sorted(self.sources & ctx.untrusted_sources)
            if not found:
                return None
            said.append(f"untrusted content from `{found[0]}`")
        if self.min_denied is not None:
            if ctx.denied_count < self.min_denied:
                return None
            said.append(f"{ctx.denied_count} denied calls")
        return "session state (" + ", ".join(said) + ")"

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        return self.fire(action, unit, ctx, shapes) is not None


class McpServerMatcher:
    """`mcp_server`: the MCP server a tool belongs to (glob)."""

    key = "mcp_server"
    __slots__ = ("_regex",)

    def __init__(self, globs: Sequence[str]) -> None:
        self._regex = _any_regex(globs, path=False, flags=re.DOTALL)

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        server = action.mcp_server
        if server is None or self._regex.match(server) is None:
            return None
        return f"MCP server `{clip(server)}`"

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        return self.fire(action, unit, ctx, shapes) is not None
