"""A compiled rule: an id, a decision and the matchers that must all hold."""

from __future__ import annotations

from dataclasses import dataclass, field

from watchkeeper.events import Decision
from watchkeeper.normalize import Action, Command
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._matchers import (
    CommandMatcher,
    Matcher,
    Shapes,
    ToolMatcher,
    Unit,
)
from watchkeeper.policy._verdict import APPROVAL, BLOCKED

__all__ = ["EFFECT_BITS", "WRAPPED_BIT", "Rule", "effect_mask"]

EFFECT_BITS = {"reads": 1, "writes": 2, "hosts": 4, "code": 8, "detached": 16}
WRAPPED_BIT = 32


def effect_mask(unit: Unit) -> int:
    """Return which effect kinds `unit` has, as `EFFECT_BITS` bits (plus `WRAPPED_BIT`)."""
    return (
        (1 if unit.reads else 0)
        | (2 if unit.writes else 0)
        | (4 if unit.hosts else 0)
        | (8 if unit.code else 0)
        | (16 if unit.detached else 0)
        | (WRAPPED_BIT if isinstance(unit, Command) and unit.wrappers else 0)
    )


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """One rule after loading.

    `checks` are the matchers evaluated per unit (the tool matcher is resolved by the policy's
    index instead); `handles` names the effect kinds (``reads``, ``writes``, ``hosts``,
    ``code``, ``detached``) this rule speaks about: an allow rule covers a unit with such an
    effect only when it has a matcher for it. `needs` is the `effect_mask` bits a unit must
    have for this rule to fire at all; `handles_mask` is `handles` as bits. `origin` is
    ``file:line`` of the rule. `ids` (``(id,)``), `label` (how the agent is told about the
    rule: its id and description, never its pattern) and `matched` (how an explanation starts
    saying what the rule matched) are derived once, for building verdicts, as are the starts
    of the explanation of a deny or ask this rule alone decided (`denied`, `asked`) and the
    whole agent message of one (`blocked`, `approval`).
    """

    id: str
    decision: Decision
    description: str
    origin: str
    pack: str | None
    match_text: str
    tool: ToolMatcher | None
    command: CommandMatcher | None
    checks: tuple[Matcher, ...]
    handles: frozenset[str]
    needs: int = 0
    handles_mask: int = 0
    ids: tuple[str, ...] = field(init=False, repr=False)
    label: str = field(init=False, repr=False)
    matched: str = field(init=False, repr=False)
    denied: str = field(init=False, repr=False)
    asked: str = field(init=False, repr=False)
    blocked: str = field(init=False, repr=False)
    approval: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", (self.id,))
        label = (
            f"rule `{self.id}` ({self.description})" if self.description else f"rule `{self.id}`"
        )
        object.__setattr__(self, "label", label)
        matched = f"rule `{self.id}` matched "
        object.__setattr__(self, "matched", matched)
        object.__setattr__(self, "denied", "denied: " + matched)
        object.__setattr__(self, "asked", "needs approval: " + matched)
        object.__setattr__(self, "blocked", BLOCKED + label + ".")
        object.__setattr__(self, "approval", APPROVAL + label + ".")

    def applies_to(self, tool: str, command_name: str | None, *, wrapped: bool = True) -> bool:
        """Return whether the rule could match a unit of `tool` (and of `command_name`)."""
        if self.tool is not None and not self.tool.matches_tool(tool):
            return False
        if self.command is not None:
            return command_name is not None and self.command.name_matches(
                command_name, wrapped=wrapped
            )
        return True

    def fire(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> str | None:
        """Return what matched when every matcher fires on `unit`, else None."""
        checks = self.checks
        if len(checks) == 1:
            return checks[0].fire(action, unit, ctx, shapes)
        said: list[str] = []
        for matcher in checks:
            what = matcher.fire(action, unit, ctx, shapes)
            if what is None:
                return None
            said.append(what)
        if not said:
            return f"tool `{action.tool}`"
        return " and ".join(said)

    def covers(self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes) -> bool:
        """Return whether this (allow) rule covers every element of `unit`."""
        if effect_mask(unit) & ~WRAPPED_BIT & ~self.handles_mask:
            return False
        return self.covers_checked(action, unit, ctx, shapes)

    def covers_checked(
        self, action: Action, unit: Unit, ctx: SessionContext, shapes: Shapes
    ) -> bool:
        """`covers` for a unit already known to have only effects this rule handles."""
        for matcher in self.checks:  # noqa: SIM110 - hot path: a loop beats all() + generator
            if not matcher.covers(action, unit, ctx, shapes):
                return False
        return True
