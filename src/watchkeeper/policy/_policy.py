"""A loaded policy: rules indexed by tool and command name, and `decide`."""

from __future__ import annotations

from collections.abc import Sequence

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, Command
from watchkeeper.policy._combine import Hit, combine
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._index import Candidates, Cover, Group, PathGate, build_candidates
from watchkeeper.policy._matchers import Shapes, clip
from watchkeeper.policy._rule import Rule, effect_mask
from watchkeeper.policy._units import units_of
from watchkeeper.policy._verdict import Verdict

__all__ = ["Policy"]

_EMPTY_CONTEXT = SessionContext()
_INDEX_LIMIT = 4096


def _describe_unit(unit: Command | Action) -> str:
    if isinstance(unit, Command):
        return f"command `{clip(unit.text or ' '.join(unit.argv))}`"
    return f"the `{unit.tool}` call"


class Policy:
    """Rules after includes and exclusions, ready to decide actions.

    `excluded_rules` records the pack rules the author switched off with `exclude_rules`;
    `packs` the packs included. Build one with `load_policy` or `parse_policy`.
    """

    __slots__ = (
        "_allow_cache",
        "_gates",
        "_index",
        "_shapes",
        "default",
        "excluded_rules",
        "home",
        "packs",
        "rules",
        "source",
    )

    def __init__(
        self,
        *,
        default: Decision,
        rules: Sequence[Rule],
        home: str,
        source: str = "<policy>",
        packs: Sequence[str] = (),
        excluded_rules: Sequence[str] = (),
    ) -> None:
        if default is Decision.ALLOW:
            raise ValueError("a policy default of `allow` is not permitted; use deny or ask")
        self.default = default
        self.rules = tuple(rules)
        self.home = home
        self.source = source
        self.packs = tuple(packs)
        self.excluded_rules = tuple(excluded_rules)
        self._index: dict[tuple[str, str | None, int], Candidates] = {}
        self._gates: dict[tuple[str, ...], PathGate] = {}
        self._allow_cache: dict[str, Verdict] = {}
        self._shapes = Shapes()

    def _candidates(self, tool: str, name: str | None, mask: int) -> Candidates:
        key = (tool, name, mask)
        found = self._index.get(key)
        if found is None:
            if len(self._index) >= _INDEX_LIMIT:
                self._index.clear()
            found = self._index[key] = build_candidates(
                self.rules, tool, name, mask, home=self.home, gates=self._gates
            )
        return found

    def decide(self, action: Action, context: SessionContext = _EMPTY_CONTEXT) -> Verdict:
        """Return the verdict on `action`; never raises (an internal error is a deny)."""
        try:
            if not action.commands:
                return self._decide_one(action, action, context)
            units = units_of(action)
            if len(units) == 1:
                return self._decide_one(action, units[0], context)
            return self._decide_many(action, units, context)
        except Exception as exc:  # noqa: BLE001 - fail closed: any failure is a deny with the error kept
            return Verdict(
                decision=Decision.DENY,
                rule_ids=(),
                explanation=f"denied: the policy failed to evaluate ({type(exc).__name__}: {exc})",
                agent_message=(
                    "watchkeeper blocked this tool call: the policy could not evaluate it."
                ),
                errors=(f"{type(exc).__name__}: {exc}",),
            )

    def _decide_many(
        self, action: Action, units: tuple[Command | Action, ...], ctx: SessionContext
    ) -> Verdict:
        """Decide an action of several units: deny/ask from any unit, allow only if all."""
        shapes = self._shapes
        plan = [
            (
                unit,
                self._candidates(
                    action.tool, unit.name if isinstance(unit, Command) else None, effect_mask(unit)
                ),
            )
            for unit in units
        ]
        denies: dict[str, Hit] = {}
        for unit, (deny_groups, _, _) in plan:
            hits, failed = _fire(deny_groups, action, unit, ctx, shapes)
            for hit in (*failed, *hits):
                denies.setdefault(hit.rule.id, hit)
        asks: dict[str, Hit] = {}
        if not denies:
            for unit, (_, ask_groups, _) in plan:
                hits, failed = _fire(ask_groups, action, unit, ctx, shapes)
                for hit in failed:
                    denies.setdefault(hit.rule.id, hit)
                for hit in hits:
                    asks.setdefault(hit.rule.id, hit)
        if denies or asks:
            return combine(
                self.default,
                denies=tuple(denies.values()),
                asks=tuple(asks.values()),
                allows=None,
                action_errors=action.errors,
            )
        covering: list[Rule] = []
        for unit, (_, _, covers) in plan:
            found, failure = _cover(covers, action, unit, ctx, shapes)
            if failure is not None:
                return combine(
                    self.default,
                    denies=(failure,),
                    asks=(),
                    allows=None,
                    action_errors=action.errors,
                )
            if found is None:
                return combine(
                    self.default,
                    denies=(),
                    asks=(),
                    allows=None,
                    uncovered=_describe_unit(unit),
                    action_errors=action.errors,
                )
            covering.append(found)
        return self._allowed(action, covering)

    def _decide_one(self, action: Action, unit: Command | Action, ctx: SessionContext) -> Verdict:
        """Decide the common one-unit action, without the per-unit bookkeeping."""
        shapes = self._shapes
        name = unit.name if isinstance(unit, Command) else None
        mask = effect_mask(unit)
        found_candidates = self._index.get((action.tool, name, mask))
        if found_candidates is None:
            found_candidates = self._candidates(action.tool, name, mask)
        deny_groups, ask_groups, covers = found_candidates
        denies: tuple[Hit, ...] = ()
        asks: tuple[Hit, ...] = ()
        if deny_groups:
            denies, failed = _fire(deny_groups, action, unit, ctx, shapes)
            if failed:
                denies = (*failed, *denies)
        if ask_groups and not denies:
            asks, denies = _fire(ask_groups, action, unit, ctx, shapes)
        if denies or asks:
            return combine(
                self.default, denies=denies, asks=asks, allows=None, action_errors=action.errors
            )
        found: Rule | None = None
        for rule, checks in covers:  # `_cover`, inlined: this is the path most calls take
            try:
                for check in checks:
                    if not check(action, unit, ctx, shapes):
                        break
                else:
                    found = rule
            except Exception as exc:  # noqa: BLE001 - an erroring rule counts as deny
                failure = Hit(rule, f"{type(exc).__name__}: {exc}", error=True)
                return combine(
                    self.default,
                    denies=(failure,),
                    asks=(),
                    allows=None,
                    action_errors=action.errors,
                )
            if found is not None:
                break
        if found is not None:
            if not action.errors:
                cached = self._allow_cache.get(found.id)
                if cached is not None:
                    return cached
            return self._allowed(action, (found,))
        return combine(
            self.default,
            denies=(),
            asks=(),
            allows=None,
            uncovered=_describe_unit(unit),
            action_errors=action.errors,
        )

    def _allowed(self, action: Action, covering: Sequence[Rule]) -> Verdict:
        if action.errors:
            return combine(
                self.default, denies=(), asks=(), allows=covering, action_errors=action.errors
            )
        key = covering[0].id if len(covering) == 1 else " ".join(r.id for r in covering)
        cached = self._allow_cache.get(key)
        if cached is None:
            if len(self._allow_cache) >= _INDEX_LIMIT:
                self._allow_cache.clear()
            cached = self._allow_cache[key] = combine(
                self.default, denies=(), asks=(), allows=covering
            )
        return cached


def _fire(
    groups: tuple[Group, ...],
    action: Action,
    unit: Command | Action,
    ctx: SessionContext,
    shapes: Shapes,
) -> tuple[tuple[Hit, ...], tuple[Hit, ...]]:
    """Return the hits of the rules in `groups` that fire on `unit`, and those that raised."""
    hits: tuple[Hit, ...] = ()
    failed: tuple[Hit, ...] = ()
    for gate, members in groups:
        if gate is not None and not gate.passes(action, unit):
            continue
        for rule, fire in members:
            try:
                what = fire(action, unit, ctx, shapes)
            except Exception as exc:  # noqa: BLE001 - an erroring rule counts as deny
                failed = (*failed, Hit(rule, f"{type(exc).__name__}: {exc}", error=True))
                continue
            if what is not None:
                hits = (*hits, Hit(rule, what))
    return hits, failed


def _cover(
    covers: tuple[Cover, ...],
    action: Action,
    unit: Command | Action,
    ctx: SessionContext,
    shapes: Shapes,
) -> tuple[Rule | None, Hit | None]:
    """Return the first allow rule covering `unit`, or the failure of one that raised."""
    for rule, checks in covers:
        try:
            for check in checks:
                if not check(action, unit, ctx, shapes):
                    break
            else:
                return rule, None
        except Exception as exc:  # noqa: BLE001 - an erroring rule counts as deny
            return None, Hit(rule, f"{type(exc).__name__}: {exc}", error=True)
    return None, None
