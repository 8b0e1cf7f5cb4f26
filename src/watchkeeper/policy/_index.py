"""Which rules can apply to a unit, worked out once per (tool, command name, effects) key.

Deny and ask rules come in groups. Rules whose only matcher is `reads` (or only `writes`) are
grouped behind a gate: one path set holding all their including patterns. A unit none of
whose paths passes the gate cannot fire any rule of the group, so the group is skipped with
one check instead of one per rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, Command
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._matchers import PathMatcher, Shapes
from watchkeeper.policy._paths import PathSet
from watchkeeper.policy._rule import WRAPPED_BIT, Rule

__all__ = ["Candidates", "Firer", "Group", "PathGate", "build_candidates"]

Firer = Callable[[Action, Command | Action, SessionContext, Shapes], str | None]


class PathGate:
    """Passes a unit when any of its reads (or writes) is in the union of a group's patterns."""

    __slots__ = ("_match", "_reads")

    def __init__(self, key: str, paths: PathSet) -> None:
        self._reads = key == "reads"
        self._match = paths.matcher

    def passes(self, action: Action, unit: Command | Action) -> bool:
        match = self._match
        cwd = action.cwd
        for path in unit.reads if self._reads else unit.writes:  # noqa: SIM110 - hot path loop
            if match(path, cwd):
                return True
        return False


Group = tuple[PathGate | None, tuple[tuple[Rule, Firer], ...]]
Candidates = tuple[tuple[Group, ...], tuple[Group, ...], tuple[Rule, ...]]


def _path_key(rule: Rule) -> str | None:
    if len(rule.checks) == 1 and isinstance(rule.checks[0], PathMatcher):
        return rule.checks[0].key
    return None


def _groups(
    rules: Sequence[Rule], home: str, gates: dict[tuple[str, ...], PathGate]
) -> tuple[Group, ...]:
    by_key: dict[str, list[Rule]] = {}
    for rule in rules:
        key = _path_key(rule)
        if key is not None:
            by_key.setdefault(key, []).append(rule)
    groups: list[Group] = []
    placed: set[str] = set()
    for rule in rules:
        key = _path_key(rule)
        if key is None or len(by_key[key]) < 2:
            groups.append((None, ((rule, rule.firer),)))
            continue
        if key in placed:
            continue
        placed.add(key)
        members = by_key[key]
        ids = (key, *(r.id for r in members))
        gate = gates.get(ids)
        if gate is None:
            patterns = [
                p
                for r in members
                if isinstance(m := r.checks[0], PathMatcher)
                for p in m.paths.patterns
                if not p.startswith("!")
            ]
            gate = gates[ids] = PathGate(key, PathSet(patterns, home=home))
        groups.append((gate, tuple((r, r.firer) for r in members)))
    return tuple(groups)


def build_candidates(
    rules: Sequence[Rule],
    tool: str,
    name: str | None,
    mask: int,
    *,
    home: str,
    gates: dict[tuple[str, ...], PathGate],
) -> Candidates:
    """Return the deny groups, ask groups and allow rules that can apply to such a unit.

    A deny or ask rule is kept when the unit has every effect kind it needs to fire; an allow
    rule when it speaks about every effect kind the unit has.
    """
    wrapped = bool(mask & WRAPPED_BIT)
    fits = [r for r in rules if r.applies_to(tool, name, wrapped=wrapped)]
    deny = [r for r in fits if r.decision is Decision.DENY and r.needs & ~mask == 0]
    ask = [r for r in fits if r.decision is Decision.ASK and r.needs & ~mask == 0]
    effects = mask & ~WRAPPED_BIT
    allow = [r for r in fits if r.decision is Decision.ALLOW and effects & ~r.handles_mask == 0]
    return _groups(deny, home, gates), _groups(ask, home, gates), tuple(allow)
