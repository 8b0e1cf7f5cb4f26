"""A loaded policy: rules indexed by tool and command name, and `decide`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, Command
from watchkeeper.policy._combine import Hit, combine, fired
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._index import Candidates, Cover, Group, PathGate, build_candidates
from watchkeeper.policy._matchers import Shapes, Unshared, clip
from watchkeeper.policy._plan import Plan, UnitPlan, build_plan, build_unit_plan
from watchkeeper.policy._rule import WRAPPED_BIT, Rule, effect_mask
from watchkeeper.policy._units import units_of
from watchkeeper.policy._verdict import Verdict, build_verdict

__all__ = ["Policy"]

_EMPTY_CONTEXT = SessionContext()
_UNSHARED = Unshared()
_INDEX_LIMIT = 4096
_Built = TypeVar("_Built")


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
        "_parts",
        "_plans",
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
        self._plans: dict[tuple[str, str | None, int], Plan] = {}
        self._parts: dict[tuple[str, str | None, int], UnitPlan] = {}

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

    def _plan(self, tool: str, name: str | None, mask: int) -> Plan | None:
        """Return the plan of a key met before, building it; None for a key met the first time.

        A key's first call is decided by the general walk (which builds its candidates): a
        process that decides one call, as a local-mode hook does, never compiles a plan.
        """
        return self._built(
            self._plans,
            (tool, name, mask),
            lambda found: build_plan(
                found, tool, name, self.default, self._allowed, home=self.home, gates=self._gates
            ),
        )

    def _unit_plan(self, tool: str, name: str | None, mask: int) -> UnitPlan | None:
        """Return a key's plan for one unit of several (`build_unit_plan`), as `_plan` does."""
        return self._built(
            self._parts,
            (tool, name, mask),
            lambda found: build_unit_plan(found, tool, name, home=self.home, gates=self._gates),
        )

    def _built(
        self,
        plans: dict[tuple[str, str | None, int], _Built],
        key: tuple[str, str | None, int],
        build: Callable[[Candidates], _Built],
    ) -> _Built | None:
        """Build and keep in `plans` the plan of `key` from its candidates (None before the
        walk has met the key); at `_INDEX_LIMIT` plans the kept ones are dropped first."""
        candidates = self._index.get(key)
        if candidates is None:
            return None
        if len(plans) >= _INDEX_LIMIT:
            plans.clear()
        built = plans[key] = build(candidates)
        return built

    def decide(self, action: Action, context: SessionContext = _EMPTY_CONTEXT) -> Verdict:
        """Return the verdict on `action`; never raises (an internal error is a deny).

        Decided by the plans of the units' keys (see `watchkeeper.policy._plan`): a one-unit
        action (nearly every call) by its key's plan, one of several units unit by unit with
        each key's unit plan (`_decide_units`). A key met the first time, or anything a plan
        raises on, is decided by the general walk (`_walk`), which turns errors into denies.
        """
        try:
            commands = action.commands
            if commands:
                unit: Command | Action = commands[0]
                if len(commands) != 1 or not (  # `units_of`, inlined for its usual case
                    (unit.reads, unit.writes, unit.hosts, unit.code)
                    == (action.reads, action.writes, action.hosts, action.code)
                    and (not unit.detached) is (not action.detached)
                ):
                    units = units_of(action)
                    if len(units) != 1:
                        found = self._decide_units(action, units, context)
                        return self._walk(action, context) if found is None else found
                    unit = units[0]
                if unit.__class__ is Command:
                    name: str | None = unit.name
                    mask = WRAPPED_BIT if unit.wrappers else 0
                else:
                    name = None
                    mask = 0
            else:
                unit = action
                name = None
                mask = 0
            # `effect_mask(unit)`, inlined as in `_walk`: every call computes it
            if unit.reads:
                mask |= 1
            if unit.writes:
                mask |= 2
            if unit.hosts:
                mask |= 4
            if unit.code:
                mask |= 8
            if unit.detached:
                mask |= 16
            plan = self._plans.get((action.tool, name, mask))
            if plan is None:
                plan = self._plan(action.tool, name, mask)
                if plan is None:
                    return self._walk(action, context)
            return plan(action, unit, context)
        except Exception:  # noqa: BLE001 - the walk decides it again, turning errors into denies
            return self._walk(action, context)

    def _decide_units(
        self, action: Action, units: tuple[Command | Action, ...], context: SessionContext
    ) -> Verdict | None:
        """`_decide_many` with each key's unit plan; None when a key is met the first time."""
        tool = action.tool
        plans = self._parts.get
        shapes = Shapes()
        denies: dict[str, Hit] | None = None
        asks: dict[str, Hit] | None = None
        uncovered: Command | Action | None = None
        covering: list[Rule] = []
        for unit in units:
            name = unit.name if isinstance(unit, Command) else None
            mask = effect_mask(unit)
            plan = plans((tool, name, mask))
            if plan is None:
                plan = self._unit_plan(tool, name, mask)
                if plan is None:
                    return None
            fired_denies, fired_asks, rule = plan(action, unit, context, shapes)
            if fired_denies:
                if denies is None:
                    denies = {}
                for hit in fired_denies:
                    if hit[0].id not in denies:
                        denies[hit[0].id] = _hit((*hit, False))
            elif fired_asks:
                if asks is None:
                    asks = {}
                for hit in fired_asks:
                    if hit[0].id not in asks:
                        asks[hit[0].id] = _hit((*hit, False))
            elif rule is None:
                if uncovered is None:
                    uncovered = unit
            else:
                covering.append(rule)
        # As the walk combines them: any deny decides; else any ask; else the first unit no
        # allow rule covers; else the allow.
        if denies is not None:
            return combine(
                self.default,
                denies=tuple(denies.values()),
                asks=(),
                allows=None,
                action_errors=action.errors,
            )
        if asks is not None:
            return combine(
                self.default,
                denies=(),
                asks=tuple(asks.values()),
                allows=None,
                action_errors=action.errors,
            )
        if uncovered is not None:
            return combine(
                self.default,
                denies=(),
                asks=(),
                allows=None,
                uncovered=_describe_unit(uncovered),
                action_errors=action.errors,
            )
        return self._allowed(action, covering)

    def _walk(self, action: Action, context: SessionContext = _EMPTY_CONTEXT) -> Verdict:  # noqa: PLR0915 - the one-unit case is inlined: nearly every call takes it
        """`decide` by walking the index's groups and rules: the general way."""
        try:
            unit: Command | Action = action
            commands = action.commands
            if commands:
                only = commands[0]
                if (  # `units_of`, inlined for its usual case: one command holding every effect
                    len(commands) == 1
                    and only.reads is action.reads
                    and only.writes is action.writes
                    and only.hosts is action.hosts
                    and only.code is action.code
                    and (not only.detached) is (not action.detached)
                ):
                    unit = only
                else:
                    units = units_of(action)
                    if len(units) != 1:
                        return self._decide_many(action, units, context)
                    unit = units[0]
            # One unit, as nearly every call has: decided here without per-unit bookkeeping.
            if unit.__class__ is Command:
                name: str | None = unit.name
                mask = WRAPPED_BIT if unit.wrappers else 0
            else:
                name = None
                mask = 0
            # `effect_mask(unit)`, inlined: every call computes it
            if unit.reads:
                mask |= 1
            if unit.writes:
                mask |= 2
            if unit.hosts:
                mask |= 4
            if unit.code:
                mask |= 8
            if unit.detached:
                mask |= 16
            found_candidates = self._index.get((action.tool, name, mask))
            if found_candidates is None:
                found_candidates = self._candidates(action.tool, name, mask)
            deny_groups, ask_groups, covers, shaped = found_candidates
            shapes = Shapes() if shaped else _UNSHARED
            # What fired, as `(rule, what, error)`: made `Hit`s only when more than one did.
            hits: tuple[tuple[Rule, str, bool], ...] = ()
            for groups, decision in ((deny_groups, _DENY), (ask_groups, _ASK)):
                for gate, members in groups:  # `_fire`, inlined: deny rules, then ask rules
                    if gate is not None:  # `gate.passes`, inlined
                        test = (
                            gate.fixed
                            or gate.testers.get(action.cwd)
                            or gate.paths.tester(action.cwd)
                        )
                        for path in unit.reads if gate.reads else unit.writes:
                            if test(path):
                                break
                        else:
                            continue
                    for rule, fire in members:
                        try:
                            what = fire(action, unit, context, shapes)
                        except Exception as exc:  # noqa: BLE001 - an erroring rule counts as deny
                            hits = (*hits, _failure(rule, exc))
                            continue
                        if what is not None:
                            hits = (*hits, (rule, what, False))
                if not hits:
                    continue
                if len(hits) == 1 and not hits[0][2]:  # `fired` on the usual lone deny or ask
                    rule, what, _ = hits[0]
                    errors = action.errors
                    if errors.__class__ is not tuple:  # a hand-built action may hold a list
                        errors = tuple(errors)
                    if decision is _DENY:
                        return build_verdict(
                            _DENY, rule.ids, rule.denied + what, rule.blocked, errors
                        )
                    return build_verdict(_ASK, rule.ids, rule.asked + what, rule.approval, errors)
                if decision is _DENY:
                    return fired(_errors_first(_as_hits(hits)), (), action.errors)
                asked = _as_hits(hits)
                failed = tuple([hit for hit in asked if hit.error])
                if failed:
                    return fired(failed, (), action.errors)
                return fired((), asked, action.errors)
            for rule, checks, allowed in covers:  # noqa: B007 - `_cover`, inlined; read after `break`
                try:
                    for check in checks:
                        if not check(action, unit, context, shapes):
                            break
                    else:  # every check held: `rule` covers the unit
                        break
                except Exception as exc:  # noqa: BLE001 - an erroring rule counts as deny
                    return fired((_failure(rule, exc),), (), action.errors)
            else:
                return combine(
                    self.default,
                    denies=(),
                    asks=(),
                    allows=None,
                    uncovered=_describe_unit(unit),
                    action_errors=action.errors,
                )
            if not action.errors:
                return allowed
            return self._allowed(action, (rule,))
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
        self,
        action: Action,
        units: tuple[Command | Action, ...],
        ctx: SessionContext,
    ) -> Verdict:
        """Decide an action of several units: deny/ask from any unit, allow only if all."""
        shapes = Shapes()
        plan: list[tuple[Command | Action, Candidates]] = []
        for unit in units:
            name = unit.name if isinstance(unit, Command) else None
            mask = effect_mask(unit)
            candidates = self._index.get((action.tool, name, mask))
            if candidates is None:
                candidates = self._candidates(action.tool, name, mask)
            plan.append((unit, candidates))
        denies: dict[str, Hit] = {}
        for unit, (deny_groups, _, _, _) in plan:
            if deny_groups:
                for hit in _errors_first(_fire(deny_groups, action, unit, ctx, shapes)):
                    denies.setdefault(hit.rule.id, hit)
        asks: dict[str, Hit] = {}
        if not denies:
            for unit, (_, ask_groups, _, _) in plan:
                if ask_groups:
                    for hit in _fire(ask_groups, action, unit, ctx, shapes):
                        (denies if hit.error else asks).setdefault(hit.rule.id, hit)
        if denies or asks:
            return combine(
                self.default,
                denies=tuple(denies.values()),
                asks=tuple(asks.values()),
                allows=None,
                action_errors=action.errors,
            )
        covering: list[Rule] = []
        for unit, (_, _, covers, _) in plan:
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

    def _allowed(self, action: Action, covering: Sequence[Rule]) -> Verdict:
        if action.errors:
            return combine(
                self.default, denies=(), asks=(), allows=covering, action_errors=action.errors
            )
        key = covering[0].id if len(covering) == 1 else " ".join([r.id for r in covering])
        cached = self._allow_cache.get(key)
        if cached is None:
            if len(self._allow_cache) >= _INDEX_LIMIT:
                self._allow_cache.clear()
            cached = self._allow_cache[key] = combine(
                self.default, denies=(), asks=(), allows=covering
            )
        return cached


_hit = partial(tuple.__new__, Hit)  # builds the named tuple without its Python-level `__new__`
_DENY = Decision.DENY
_ASK = Decision.ASK


def _as_hits(fired: tuple[tuple[Rule, str, bool], ...]) -> tuple[Hit, ...]:
    """Return `(rule, what, error)` triples as `Hit`s."""
    return tuple(map(_hit, fired))


def _failure(rule: Rule, exc: Exception) -> Hit:
    """Return the hit of a rule whose evaluation raised `exc`: a deny, with the error kept."""
    return Hit(rule, f"{type(exc).__name__}: {exc}", error=True)


def _fire(
    groups: tuple[Group, ...],
    action: Action,
    unit: Command | Action,
    ctx: SessionContext,
    shapes: Shapes,
) -> tuple[Hit, ...]:
    """Return the hits of the rules in `groups` that fire on `unit`, and of those that raised.

    Usually empty: most rules fire on few calls.
    """
    hits: tuple[Hit, ...] = ()
    for gate, members in groups:
        if gate is not None and not gate.passes(action, unit):
            continue
        for rule, fire in members:
            try:
                what = fire(action, unit, ctx, shapes)
            except Exception as exc:  # noqa: BLE001 - an erroring rule counts as deny
                hits = (*hits, _failure(rule, exc))
                continue
            if what is not None:
                hits = (*hits, _hit((rule, what, False)))
    return hits


def _errors_first(hits: tuple[Hit, ...]) -> tuple[Hit, ...]:
    """Return `hits` with the rules that raised first, each part in rule order."""
    if len(hits) < 2:  # nothing to reorder
        return hits
    return (*(h for h in hits if h.error), *(h for h in hits if not h.error))


def _cover(
    covers: tuple[Cover, ...],
    action: Action,
    unit: Command | Action,
    ctx: SessionContext,
    shapes: Shapes,
) -> tuple[Rule | None, Hit | None]:
    """Return the first allow rule covering `unit`, or the failure of one that raised."""
    for rule, checks, _ in covers:
        try:
            for check in checks:
                if not check(action, unit, ctx, shapes):
                    break
            else:
                return rule, None
        except Exception as exc:  # noqa: BLE001 - an erroring rule counts as deny
            return None, _failure(rule, exc)
    return None, None
