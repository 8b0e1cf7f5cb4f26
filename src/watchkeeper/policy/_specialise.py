# ruff: noqa: ARG001 - every check implements the whole matcher signature, used or not
"""A rule specialised to one kind of unit: the checks left once the unit's shape is known.

A policy's index knows, for each group of units, the tool, the command name and which
effect kinds the units have (`effect_mask`). Much of a rule can be settled from that alone:
the command patterns for other names drop out, and for an allow rule a `reads` matcher over
a unit that reads nothing holds (there is no element to fail), as does a `code` matcher over
a unit with no code, while a `detached` matcher is true or false outright. What is left is
evaluated per unit, in the rule's order, so a matcher that raises still raises exactly when
the rule's own `fire`/`covers` would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from watchkeeper.normalize import Action, Command
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._matchers import (
    CodeMatcher,
    CommandMatcher,
    DetachedMatcher,
    HostsMatcher,
    PathMatcher,
    Shapes,
    Unit,
    describe_command,
)
from watchkeeper.policy._rule import EFFECT_BITS, Rule

__all__ = ["Coverer", "Firer", "coverers_for", "firer_for"]

Firer = Callable[[Action, Unit, SessionContext, Shapes], str | None]
Coverer = Callable[[Action, Unit, SessionContext, Shapes], bool]


def _always_command(action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
    """`fire` of a command matcher every command of the unit's name matches."""
    return describe_command(unit) if isinstance(unit, Command) else None


def _tool_only(action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
    """`fire` of a rule with no per-unit matcher (its tool was settled by the index)."""
    return f"tool `{action.tool}`"


def firer_for(rule: Rule, name: str | None) -> Firer:
    """Return a callable equivalent to `rule.fire` on units of command `name` (None: not a command).

    Only called for rules the index found applicable to such units.
    """
    checks: list[Firer] = []
    for matcher in rule.checks:
        if isinstance(matcher, CommandMatcher) and name is not None:
            named = matcher.named(name)
            checks.append(_always_command if named is None else named.fire)
        else:
            checks.append(matcher.fire)
    if not checks:
        return _tool_only
    if len(checks) == 1:
        return checks[0]
    return _all_fire(tuple(checks))


def _all_fire(checks: Sequence[Firer]) -> Firer:
    def fire(action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        said: list[str] = []
        for check in checks:
            what = check(action, unit, ctx, shapes)
            if what is None:
                return None
            said.append(what)
        return " and ".join(said)

    fire.checks = tuple(checks)  # type: ignore[attr-defined] # read by the plans (`_plan`)
    return fire


def coverers_for(rule: Rule, name: str | None, mask: int) -> tuple[Coverer, ...] | None:
    """Return the checks equivalent to `rule.covers_checked` on units of `name` and `mask`.

    Every returned check must hold for the rule to cover a unit; an empty tuple means the
    rule covers every such unit, None that it covers none.
    """
    out: list[Coverer] = []
    for matcher in rule.checks:
        if isinstance(matcher, PathMatcher | HostsMatcher):
            if mask & EFFECT_BITS[matcher.key]:
                out.append(matcher.covers)
        elif isinstance(matcher, CodeMatcher):
            if mask & EFFECT_BITS["code"] and matcher.kinds is not None:
                out.append(matcher.covers)
        elif isinstance(matcher, DetachedMatcher):
            if bool(mask & EFFECT_BITS["detached"]) != matcher.value:
                return None
        elif isinstance(matcher, CommandMatcher):
            if name is None:
                return None
            named = matcher.named(name)
            if named is not None:
                if not named.patterns:
                    return None
                out.append(named.covers)
        else:
            out.append(matcher.covers)
    return tuple(out)
