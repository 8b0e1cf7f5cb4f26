"""Which rules can apply to a unit, worked out once per (tool, command name, effects) key.

Deny and ask rules come in groups. Rules whose only matcher is `reads` (or only `writes`) are
grouped behind a gate: one path set holding all their including patterns. A unit none of
whose paths passes the gate cannot fire any rule of the group, so the group is skipped with
one check instead of one per rule. Consecutive rules without a gate form one group.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, Command
from watchkeeper.policy._combine import allowed_verdict
from watchkeeper.policy._matchers import CommandMatcher, PathMatcher
from watchkeeper.policy._paths import PathSet
from watchkeeper.policy._rule import WRAPPED_BIT, Rule
from watchkeeper.policy._specialise import Coverer, Firer, coverers_for, firer_for
from watchkeeper.policy._verdict import Verdict

__all__ = ["Candidates", "Cover", "Group", "PathGate", "build_candidates"]


class PathGate:
    """Passes a unit when any of its reads (or writes) is in the union of a group's patterns.

    `reads` tells which; `fixed` and `testers` are the union's `PathSet.fixed` and
    `PathSet.testers`, for a caller that inlines `passes` (the policy's `decide` does).
    """

    __slots__ = ("fixed", "paths", "reads", "testers")

    def __init__(self, key: str, paths: PathSet) -> None:
        self.reads = key == "reads"
        self.paths = paths
        self.fixed = paths.fixed
        self.testers = paths.testers

    def passes(self, action: Action, unit: Command | Action) -> bool:
        test = self.fixed or self.testers.get(action.cwd) or self.paths.tester(action.cwd)
        for path in unit.reads if self.reads else unit.writes:  # noqa: SIM110 - hot path loop
            if test(path):
                return True
        return False


Group = tuple[PathGate | None, tuple[tuple[Rule, Firer], ...]]
Cover = tuple[Rule, tuple[Coverer, ...], Verdict]
Candidates = tuple[tuple[Group, ...], tuple[Group, ...], tuple[Cover, ...], bool]


def _path_key(rule: Rule) -> str | None:
    if len(rule.checks) == 1 and isinstance(rule.checks[0], PathMatcher):
        return rule.checks[0].key
    return None


def _groups(
    rules: Sequence[Rule], name: str | None, home: str, gates: dict[tuple[str, ...], PathGate]
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
            member = (rule, firer_for(rule, name))
            if groups and groups[-1][0] is None:  # one ungated group per run of such rules
                groups[-1] = (None, (*groups[-1][1], member))
            else:
                groups.append((None, (member,)))
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
            # deny and ask rules fold case (see `PathSet`): so does their gate.
            gate = gates[ids] = PathGate(key, PathSet(patterns, home=home, fold_case=True))
        groups.append((gate, tuple((r, firer_for(r, name)) for r in members)))
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
    rule when it speaks about every effect kind the unit has, with the checks left once the
    unit's name and effect kinds are known (see `watchkeeper.policy._specialise`) and the
    verdict it gives when it covers a one-unit action that the normaliser fully understood.
    Last comes whether any of these rules may split the unit's argv: when none does, a
    decision can pass `Unshared` shapes instead of making its own.
    """
    wrapped = bool(mask & WRAPPED_BIT)
    fits = [r for r in rules if r.applies_to(tool, name, wrapped=wrapped)]
    deny = [r for r in fits if r.decision is Decision.DENY and r.needs & ~mask == 0]
    ask = [r for r in fits if r.decision is Decision.ASK and r.needs & ~mask == 0]
    effects = mask & ~WRAPPED_BIT
    allow: list[Cover] = []
    for rule in fits:
        if rule.decision is Decision.ALLOW and effects & ~rule.handles_mask == 0:
            checks = coverers_for(rule, name, mask)
            if checks is not None:
                allow.append((rule, checks, allowed_verdict((rule,))))
    shaped = name is not None and any(
        isinstance(m, CommandMatcher) and m.splits(name) for r in fits for m in r.checks
    )
    return (
        _groups(deny, name, home, gates),
        _groups(ask, name, home, gates),
        tuple(allow),
        shaped,
    )
