"""A decision plan: one key's deny, ask and allow rules compiled into one straight-line function.

The policy's index knows, for each (tool, command name, effect kinds) key, which rules can
apply and in what order (`watchkeeper.policy._index`). Walking those tuples on every call —
group by group, gate by gate, rule by rule, each matcher behind its own method — costs more
than most of the checks themselves. A plan is the same walk written out once per key as the
source of one function, compiled with `exec`: each gate, rule and allow check is a line of
its own, with its matcher's parts (path tests, subcommand regexes, flag sets, required
characters) held as constants, and the common matchers' `fire`/`covers` (paths, hosts,
command patterns) written in place instead of called. Beyond the walk, a plan has a screen
per side (`_emit_screens`): one test standing for all the deny and ask path tests of reads
(or writes), so a path outside all of them costs one test instead of one per rule.

A plan gives the walk's verdict, word for word. Every check is pure, so where a plan skips
one (behind a screen) or orders a pattern's checks cheapest first, no answer changes. It
keeps nothing from call to call beyond what the walk keeps (the per-working-directory path
tests of each pattern set), and it handles no error: when anything raises, the policy
decides the call again by the walk, which turns a raising rule into a deny exactly as
before (a plan has no side effects, so deciding again is safe). A unit plan
(`build_unit_plan`) is the same for one unit of an action of several.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, Command
from watchkeeper.policy._argv import CompiledPattern, _positional, _words_match, shape_of
from watchkeeper.policy._combine import Hit, combine, fired
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._index import Candidates, Cover, Group, PathGate
from watchkeeper.policy._matchers import (
    HostsMatcher,
    HostsOutsideMatcher,
    NamedCommand,
    PathMatcher,
    Shapes,
    Unit,
    Unshared,
    clip,
    describe_command,
)
from watchkeeper.policy._paths import PathSet, resolve_arg
from watchkeeper.policy._rule import Rule
from watchkeeper.policy._specialise import _always_command, _tool_only
from watchkeeper.policy._verdict import (
    Verdict,
    _new,
    _set_agent_message,
    _set_decision,
    _set_errors,
    _set_explanation,
    _set_rule_ids,
    build_verdict,
)

__all__ = ["Plan", "UnitPlan", "build_plan", "build_unit_plan"]

Plan = Callable[[Action, Unit, SessionContext], Verdict]
"""Decides a one-unit action whose unit has the plan's key; raises instead of erring."""

_DENY = Decision.DENY
_ASK = Decision.ASK
_UNSHARED = Unshared()
_hit = tuple.__new__


def _describe_unit(unit: Command | Action) -> str:
    if isinstance(unit, Command):
        return f"command `{clip(unit.text or ' '.join(unit.argv))}`"
    return f"the `{unit.tool}` call"


def _errors_of(action: Action) -> tuple[str, ...]:
    errors = action.errors
    if errors.__class__ is not tuple:  # a hand-built action may hold a list
        errors = tuple(errors)
    return errors


def _denied(hits: tuple[tuple[Rule, str], ...], action: Action) -> Verdict:
    """The verdict when the deny rules in `hits` fired (none raised), as the walk gives it."""
    if len(hits) == 1:
        rule, what = hits[0]
        return build_verdict(_DENY, rule.ids, rule.denied + what, rule.blocked, _errors_of(action))
    return fired(tuple([_hit(Hit, (r, w, False)) for r, w in hits]), (), action.errors)


def _asked(hits: tuple[tuple[Rule, str], ...], action: Action) -> Verdict:
    """The verdict when the ask rules in `hits` fired (none raised), as the walk gives it."""
    if len(hits) == 1:
        rule, what = hits[0]
        return build_verdict(_ASK, rule.ids, rule.asked + what, rule.approval, _errors_of(action))
    return fired((), tuple([_hit(Hit, (r, w, False)) for r, w in hits]), action.errors)


class _Counter:
    value = 0


class _Source:
    """Lines of the plan's source and the constants they name.

    `named`: the unit is known to be a command (the key has a command name).
    """

    def __init__(self, name: str | None) -> None:
        self.lines: list[str] = []
        self.consts: dict[str, Any] = {}
        self.counter = _Counter()
        self.named = name is not None
        self.depth = 1
        self.screened: frozenset[str] = frozenset()
        """The sides (``reads``, ``writes``) whose path rules sit behind a screen."""

    def const(self, value: Any, stem: str = "k") -> str:
        self.counter.value += 1
        name = f"_{stem}{self.counter.value}"
        self.consts[name] = value
        return name

    def local(self, stem: str) -> str:
        """Return a fresh name for a local variable."""
        self.counter.value += 1
        return f"{stem}{self.counter.value}"

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)


def _path_test(src: _Source, fixed: Any, testers: dict[Any, Any], paths: Any) -> str:
    """Emit the lookup of a pattern set's test for the action's working dir; return its name."""
    name = src.const(None, "t")
    if fixed is not None:
        src.consts[name] = fixed
        return name
    get = src.const(testers.get, "g")
    build = src.const(paths.tester, "b")
    src.emit(f"{name} = {get}(cwd) or {build}(cwd)")
    return name


_DESCRIBE = "'command `' + clip(unit.text or ' '.join(unit.argv)) + '`'"
"""`describe_command(unit)`, written in place."""


def _shape(src: _Source) -> None:
    src.emit("if shape is None:")
    src.emit("    shape = shapes.get(unit.argv)")


def _wrapped(wrappers: tuple[str, ...], wanted: frozenset[str]) -> bool:
    """`CompiledPattern`'s wrapper test: `bash -c` is found as `bash` and as `bash -c`."""
    for wrapper in wrappers:
        if wrapper in wanted or (" " in wrapper and wrapper.split(" ", 1)[0] in wanted):
            return True
    return False


def _emit_pattern(src: _Source, pattern: CompiledPattern) -> None:
    """Emit lines setting `m` to True when `pattern.matches_named` holds (`m` starts False).

    The pattern's own checks, with only the parts it has, cheapest first (every check is
    pure, so their order changes no answer).
    """
    rest, rest_word = pattern._rest, pattern._rest_word
    args, paths = pattern._args, pattern._path_args
    opened = 0

    def cond(line: str) -> None:
        nonlocal opened
        src.emit(f"if {line}:")
        src.depth += 1
        opened += 1

    if (args is not None or paths is not None) and pattern._args_char is not None:
        _joined(src)
        cond(f"{pattern._args_char!r} in joined")
    if rest is not None:
        if rest_word is not None:
            cond(f"{src.const(rest_word, 'rw')} in unit.argv")
        cond(f"_words_match({src.const(rest, 'rest')}, unit.argv[1:])")
    if pattern._wrappers:
        cond(f"_wrapped(unit.wrappers, {src.const(pattern._wrappers, 'wr')})")
    if pattern.needs_shape:
        _shape(src)
        if pattern._flags:
            cond(f"not {src.const(pattern._flags.isdisjoint, 'fl')}(shape.flags)")
        if pattern._without:
            cond(f"{src.const(pattern._without.isdisjoint, 'wo')}(shape.flags)")
        if pattern._subcommands is not None:
            cond(f"{src.const(pattern._subcommands.match, 's')}(shape.lead_text) is not None")
    if args is None and paths is None:
        src.emit("m = True")
    else:
        hint = pattern._args_hint
        if hint is not None:
            cond(f"{src.const(hint.search, 'h')}('\\0'.join(unit.argv)) is not None")
        words = "shape.positional" if pattern.needs_shape else "_positional(unit.argv)"
        src.emit(f"for a in {words}:")
        src.depth += 1
        tests = []
        if args is not None:
            tests.append(f"{src.const(args.match, 'am')}(a)")
        if paths is not None:
            match = src.const(paths.match, "pm")
            home = src.const(pattern.home, "home")
            tests.append(f"{match}(resolve_arg(a, cwd, {home}), cwd)")
        src.emit(f"if {' or '.join(tests)}:")
        src.emit("    m = True")
        src.emit("    break")
        src.depth -= 1
    src.depth -= opened


def _emit_named(src: _Source, named: NamedCommand) -> None:
    """Emit lines setting `m` to whether `named.match` holds on the unit (a command)."""
    src.emit("m = False")
    for i, pattern in enumerate(named.patterns):
        if i:
            src.emit("if not m:")
            src.depth += 1
        _emit_pattern(src, pattern)
        if i:
            src.depth -= 1


def _joined(src: _Source) -> None:
    src.emit("if joined is None:")
    src.emit("    joined = ''.join(unit.argv)")


def _emit_fire(src: _Source, rule: Rule, fire: Any, tool: str, *, gated: bool = False) -> None:
    """Emit the lines adding `(rule, what)` to `hits` when `fire` fires."""
    r = src.const(rule, "r")
    owner = getattr(fire, "__self__", None)
    func = getattr(fire, "__func__", None)
    if func is PathMatcher.fire:
        m: PathMatcher = owner  # type: ignore[assignment]
        screened = False if gated else _screen(src, m.key)
        test = _path_test(src, m._fixed, m._testers, m.paths)
        verb = src.const(m._verb + " `", "v")
        src.emit(f"for p in unit.{m.key}:")
        src.emit(f"    if {test}(p):")
        src.emit(f"        hits += (({r}, {verb} + clip(p) + '`'),)")
        src.emit("        break")
        src.depth -= screened
        return
    if func is NamedCommand.fire:
        named: NamedCommand = owner  # type: ignore[assignment]
        guard = not src.named
        if guard:
            src.emit("if isinstance(unit, Command):")
            src.depth += 1
        _emit_named(src, named)
        src.emit("if m:")
        src.emit(f"    hits += (({r}, {_DESCRIBE}),)")
        src.depth -= guard
        return
    if func is HostsMatcher.fire or func is HostsOutsideMatcher.fire:
        _emit_hosts_fire(src, r, owner)  # type: ignore[arg-type] # the bound matcher
        return
    checks = getattr(fire, "checks", None)
    if checks is not None:  # `_all_fire`: every check must fire; what each said, joined
        _emit_all_fire(src, r, checks)
        return
    if fire is _tool_only:
        what = src.const(f"tool `{tool}`", "w")
        src.emit(f"hits += (({r}, {what}),)")
        return
    if fire is _always_command:
        if src.named:
            src.emit(f"hits += (({r}, {_DESCRIBE}),)")
        else:
            src.emit("if isinstance(unit, Command):")
            src.emit(f"    hits += (({r}, {_DESCRIBE}),)")
        return
    f = src.const(fire, "f")
    src.emit(f"w = {f}(action, unit, context, shapes)")
    src.emit("if w is not None:")
    src.emit(f"    hits += (({r}, w),)")


def _emit_hosts_fire(src: _Source, r: str, matcher: HostsMatcher | HostsOutsideMatcher) -> None:
    """`HostsMatcher.fire` or `HostsOutsideMatcher.fire`, written in place."""
    outside = isinstance(matcher, HostsOutsideMatcher)
    hosts = matcher.allowed if isinstance(matcher, HostsOutsideMatcher) else matcher
    exact = src.const(hosts.exact, "hx")
    contains = src.const(hosts.contains, "hc")
    src.emit("for h in unit.hosts:")
    if outside:
        src.emit(f"    if h not in {exact} and not {contains}(h):")
        src.emit(f"        hits += (({r}, 'connection to unlisted host `' + clip(h) + '`'),)")
    else:
        src.emit(f"    if h in {exact} or {contains}(h):")
        src.emit(f"        hits += (({r}, 'connection to `' + clip(h) + '`'),)")
    src.emit("        break")


def _emit_all_fire(src: _Source, r: str, checks: tuple[Any, ...]) -> None:
    """A rule of several checks (`_all_fire`): each must fire; what each said, joined."""
    said = []
    for check in checks:
        what = src.local("w")
        said.append(what)
        src.emit(f"{what} = {src.const(check, 'f')}(action, unit, context, shapes)")
        src.emit(f"if {what} is not None:")
        src.depth += 1
    src.emit(f"hits += (({r}, ' and '.join(({', '.join(said)},))),)")
    src.depth -= len(checks)


def _path_sources(groups: tuple[Group, ...]) -> dict[str, list[tuple[str, ...]]]:
    """Return, per side, the including patterns of each path test `_emit_groups` makes."""
    sources: dict[str, list[tuple[str, ...]]] = {"reads": [], "writes": []}
    for gate, members in groups:
        if gate is not None:
            sources["reads" if gate.reads else "writes"].append(gate.paths.patterns)
            continue
        for _rule, fire in members:
            if getattr(fire, "__func__", None) is PathMatcher.fire:
                matcher: PathMatcher = fire.__self__  # type: ignore[attr-defined]
                patterns = tuple(p for p in matcher.paths.patterns if not p.startswith("!"))
                sources[matcher.key].append(patterns)
    return sources


def _emit_screens(
    src: _Source, groups: tuple[Group, ...], home: str, gates: dict[tuple[str, ...], PathGate]
) -> None:
    """Emit one test per side that every deny or ask path test of `groups` needs to pass.

    A side tested more than once per path (a gate and a lone path rule, say) gets a screen:
    the union of those tests' including patterns, case folded as theirs are. A path outside
    it passes none of them, so all are skipped with one test instead of one each.
    """
    screened = []
    for side, sources in _path_sources(groups).items():
        if len(sources) < 2:
            continue
        patterns = tuple(dict.fromkeys(p for found in sources for p in found))
        key = ("screen", side, *patterns)
        gate = gates.get(key)
        if gate is None:
            gate = gates[key] = PathGate(side, PathSet(patterns, home=home, fold_case=True))
        test = _path_test(src, gate.fixed, gate.testers, gate.paths)
        src.emit(f"screen_{side} = False")
        src.emit(f"for p in unit.{side}:")
        src.emit(f"    if {test}(p):")
        src.emit(f"        screen_{side} = True")
        src.emit("        break")
        screened.append(side)
    src.screened = frozenset(screened)


def _screen(src: _Source, side: str) -> bool:
    """Open `if screen_<side>:` when `side` is screened; return whether it did."""
    if side not in src.screened:
        return False
    src.emit(f"if screen_{side}:")
    src.depth += 1
    return True


def _emit_groups(src: _Source, groups: tuple[Group, ...], tool: str) -> None:
    for gate, members in groups:
        if gate is not None:
            gate_: PathGate = gate
            side = "reads" if gate_.reads else "writes"
            screened = _screen(src, side)
            test = _path_test(src, gate_.fixed, gate_.testers, gate_.paths)
            src.emit(f"for p in unit.{side}:")
            src.emit(f"    if {test}(p):")
            src.depth += 2
            for rule, fire in members:
                _emit_fire(src, rule, fire, tool, gated=True)
            src.emit("break")
            src.depth -= 2 + screened
            continue
        for rule, fire in members:
            _emit_fire(src, rule, fire, tool)


def _emit_check(src: _Source, check: Any) -> None:
    """Emit the lines setting `ok` to False when the allow check `check` does not hold."""
    owner = getattr(check, "__self__", None)
    func = getattr(check, "__func__", None)
    if func is PathMatcher.covers:
        m: PathMatcher = owner  # type: ignore[assignment]
        test = _path_test(src, m._fixed, m._testers, m.paths)
        src.emit(f"for p in unit.{'reads' if m._reads else 'writes'}:")
        src.emit(f"    if not {test}(p):")
        src.emit("        ok = False")
        src.emit("        break")
        return
    if func is NamedCommand.covers:
        named: NamedCommand = owner  # type: ignore[assignment]
        guard = not src.named
        if guard:
            src.emit("if not isinstance(unit, Command):")
            src.emit("    ok = False")
            src.emit("else:")
            src.depth += 1
        _emit_named(src, named)
        src.emit("ok = m")
        src.depth -= guard
        return
    if func is HostsMatcher.covers:
        hosts: HostsMatcher = owner  # type: ignore[assignment]
        exact = src.const(hosts.exact, "hx")
        contains = src.const(hosts.contains, "hc")
        src.emit("for h in unit.hosts:")
        src.emit(f"    if h not in {exact} and not {contains}(h):")
        src.emit("        ok = False")
        src.emit("        break")
        return
    c = src.const(check, "c")
    src.emit(f"if not {c}(action, unit, context, shapes):")
    src.emit("    ok = False")


def _emit_covers(
    src: _Source, covers: tuple[Cover, ...], found: Callable[[Rule, Verdict], None]
) -> bool:
    """Emit the allow checks, in order; `found` emits what to do when a rule covers the unit.

    Return whether the lines after them can be reached (no rule covers every such unit).
    """
    for rule, checks, allowed in covers:
        if checks:
            src.emit("ok = True")
            for i, check in enumerate(checks):
                if i:
                    src.emit("if ok:")
                    src.depth += 1
                _emit_check(src, check)
            src.depth -= len(checks) - 1
            src.emit("if ok:")
            src.depth += 1
        found(rule, allowed)
        if not checks:  # this rule covers every such unit: the rest cannot be reached
            return False
        src.depth -= 1
    return True


def _emit_verdict(src: _Source, decision: str, lead: str, told: str, many: str) -> None:
    """Emit the return of the verdict when rules fired: `build_verdict` in place for one."""
    src.emit("if hits:")
    src.emit("    if len(hits) == 1:")
    src.emit("        rule, what = hits[0]")
    src.emit("        errors = action.errors")
    src.emit("        if errors.__class__ is not tuple:")
    src.emit("            errors = tuple(errors)")
    src.emit("        verdict = _new(Verdict)")
    src.emit(f"        _set_decision(verdict, {decision})")
    src.emit("        _set_rule_ids(verdict, rule.ids)")
    src.emit(f"        _set_explanation(verdict, rule.{lead} + what)")
    src.emit(f"        _set_agent_message(verdict, rule.{told})")
    src.emit("        _set_errors(verdict, errors)")
    src.emit("        return verdict")
    src.emit(f"    return {many}(hits, action)")


def _prologue(src: _Source, shaped: bool | None, body: _Source) -> None:
    """Emit the start of a function whose rest is `body`: only the names the body reads.

    A plan (`shaped` not None) whose matchers are all written in place splits its argv
    with `shape_of` directly: only a matcher it calls needs a `Shapes` to share the split.
    """
    text = "\n".join(body.lines)
    if "hits" not in text.replace("hits = ()", ""):
        body.lines = [line for line in body.lines if line.strip() != "hits = ()"]
    if shaped is not None and ", shapes)" not in text:
        body.lines = [
            line.replace("shapes.get(unit.argv)", "shape_of(unit.argv)") for line in body.lines
        ]
        text = "\n".join(body.lines)
    if shaped is not None and "shapes" in text:
        src.emit("shapes = Shapes()" if shaped else "shapes = _UNSHARED")
    if "cwd" in text:
        src.emit("cwd = action.cwd")
    if "shape is None" in text:
        src.emit("shape = None")
    if "joined is None" in text:
        src.emit("joined = None")
    src.lines.extend(body.lines)


def _compile(src: _Source, header: str, tool: str, extra: dict[str, Any]) -> Any:
    text = header + "\n" + "\n".join(src.lines) + "\n"
    namespace: dict[str, Any] = {
        **src.consts,
        **extra,
        "Shapes": Shapes,
        "_UNSHARED": _UNSHARED,
        "Command": Command,
        "clip": clip,
        "describe_command": describe_command,
        "_words_match": _words_match,
        "shape_of": shape_of,
        "_DENY": _DENY,
        "_ASK": _ASK,
        "Verdict": Verdict,
        "_new": _new,
        "_set_decision": _set_decision,
        "_set_rule_ids": _set_rule_ids,
        "_set_explanation": _set_explanation,
        "_set_agent_message": _set_agent_message,
        "_set_errors": _set_errors,
        "_wrapped": _wrapped,
        "_positional": _positional,
        "resolve_arg": resolve_arg,
    }
    exec(compile(text, f"<watchkeeper plan {tool}>", "exec"), namespace)  # noqa: S102 - our own generated source, built from compiled rules
    function = namespace[header[4 : header.index("(")]]
    function.source = text  # kept for tests and debugging
    return function


def _started(
    name: str | None,
    groups: tuple[Group, ...],
    home: str,
    gates: dict[tuple[str, ...], PathGate],
) -> tuple[_Source, _Source]:
    """A plan's source and its body, sharing constants, the body opened with no hits and the
    screens of `groups` (`_emit_screens`)."""
    src = _Source(name)
    body = _Source(name)
    body.consts = src.consts
    body.counter = src.counter
    body.emit("hits = ()")
    _emit_screens(body, groups, home, gates)
    return src, body


def build_plan(
    candidates: Candidates,
    tool: str,
    name: str | None,
    default: Decision,
    allowed_with_errors: Callable[[Action, tuple[Rule, ...]], Verdict],
    *,
    home: str,
    gates: dict[tuple[str, ...], PathGate],
) -> Plan:
    """Return the plan deciding one-unit actions of `tool` whose unit has `candidates`' key.

    `name` is the key's command name (None: the unit is the whole call).

    `allowed_with_errors` is the policy's verdict on a covered action that carries
    normaliser errors (its `_allowed`); `home` and `gates` are the policy's, for the
    screens (`_emit_screens`).
    """
    deny_groups, ask_groups, covers, shaped = candidates
    src, body = _started(name, (*deny_groups, *ask_groups), home, gates)
    if deny_groups:
        _emit_groups(body, deny_groups, tool)
        _emit_verdict(body, "_DENY", "denied", "blocked", "_denied")
    if ask_groups:
        _emit_groups(body, ask_groups, tool)
        _emit_verdict(body, "_ASK", "asked", "approval", "_asked")

    def found(rule: Rule, allowed: Verdict) -> None:
        body.emit("if not action.errors:")
        body.emit(f"    return {body.const(allowed, 'a')}")
        body.emit(f"return allowed_with_errors(action, {body.const((rule,), 'rs')})")

    if _emit_covers(body, covers, found):
        body.emit(
            "return combine(default, denies=(), asks=(), allows=None,"
            " uncovered=_describe_unit(unit), action_errors=action.errors)"
        )
    _prologue(src, shaped, body)
    extra = {
        "_denied": _denied,
        "_asked": _asked,
        "combine": combine,
        "default": default,
        "_describe_unit": _describe_unit,
        "allowed_with_errors": allowed_with_errors,
    }
    plan: Plan = _compile(src, "def plan(action, unit, context):", tool, extra)
    return plan


UnitPlan = Callable[
    [Action, Unit, SessionContext, Shapes],
    tuple[tuple[tuple[Rule, str], ...], tuple[tuple[Rule, str], ...], Rule | None],
]
"""Decides one unit of an action of several: `(denies, asks, covering rule)`."""


def build_unit_plan(
    candidates: Candidates,
    tool: str,
    name: str | None,
    *,
    home: str,
    gates: dict[tuple[str, ...], PathGate],
) -> UnitPlan:
    """Return a key's rules as one function of one unit of an action of several units.

    It returns `(denies, asks, rule)`: `(rule, what)` for each deny rule that fires, in
    order; when none does, the same for the ask rules; when none of those does either, the
    first allow rule covering the unit, or None. The policy combines the units' answers as
    its walk does (`Policy._decide_many`): the asks of a unit are looked at only when it has
    no deny, which changes no verdict, since a deny of any unit decides. Like a plan, it
    raises instead of erring.
    """
    deny_groups, ask_groups, covers, _ = candidates
    src, body = _started(name, (*deny_groups, *ask_groups), home, gates)
    if deny_groups:
        _emit_groups(body, deny_groups, tool)
        body.emit("if hits:")
        body.emit("    return hits, (), None")
    if ask_groups:
        _emit_groups(body, ask_groups, tool)
        body.emit("if hits:")
        body.emit("    return (), hits, None")

    def found(rule: Rule, allowed: Verdict) -> None:  # noqa: ARG001 - the covering rule is enough
        body.emit(f"return (), (), {body.const(rule, 'r')}")

    if _emit_covers(body, covers, found):
        body.emit("return (), (), None")
    _prologue(src, None, body)
    function: UnitPlan = _compile(src, "def decide_unit(action, unit, context, shapes):", tool, {})
    return function
