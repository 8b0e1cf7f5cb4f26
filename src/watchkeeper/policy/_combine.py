"""The one combining function: the only place a decision is made from rule outcomes.

Any deny → deny; else any ask → ask; else, when every unit of the action is covered by an
allow rule → allow; else the policy default (deny or ask, never allow). A rule that raised is
a deny, and its error is kept. Normaliser errors never end in allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from watchkeeper.events import Decision
from watchkeeper.policy._rule import Rule
from watchkeeper.policy._verdict import Verdict

__all__ = ["Hit", "combine", "default_verdict", "rule_label"]


class Hit(NamedTuple):
    """A deny or ask rule that fired: what it matched, or the error it raised.

    A named tuple rather than a frozen dataclass: one is built for every rule that fires, on
    the decision hot path, and a tuple is several times cheaper to build.
    """

    rule: Rule
    what: str
    error: bool = False


def rule_label(rule: Rule) -> str:
    """Return how the agent is told about a rule: its id and description, never its pattern."""
    return f"rule `{rule.id}` ({rule.description})" if rule.description else f"rule `{rule.id}`"


def _distinct(hits: Sequence[Hit]) -> list[Rule]:
    if len(hits) == 1:
        return [hits[0].rule]
    seen: dict[str, Rule] = {}
    for hit in hits:
        seen.setdefault(hit.rule.id, hit.rule)
    return list(seen.values())


def _explain(hits: Sequence[Hit]) -> str:
    parts = []
    for hit in hits:
        if hit.error:
            parts.append(
                f"rule `{hit.rule.id}` failed to evaluate ({hit.what}), which counts as deny"
            )
        else:
            parts.append(f"rule `{hit.rule.id}` matched {hit.what}")
    return "; ".join(parts)


_BLOCKED = "watchkeeper blocked this tool call: "
_APPROVAL = "this tool call needs a person's approval: "


def _fired(
    decision: Decision, lead: str, told: str, hits: Sequence[Hit], errors: tuple[str, ...]
) -> Verdict:
    """Return the verdict of deny (or ask) rules that fired; positional: the hot path."""
    if len(hits) == 1:
        hit = hits[0]
        rule = hit.rule
        return Verdict(
            decision, (rule.id,), lead + _explain(hits), told + rule_label(rule) + ".", errors
        )
    rules = _distinct(hits)
    return Verdict(
        decision,
        tuple(r.id for r in rules),
        lead + _explain(hits),
        told + ", ".join(rule_label(r) for r in rules) + ".",
        errors,
    )


def combine(
    default: Decision,
    *,
    denies: Sequence[Hit],
    asks: Sequence[Hit],
    allows: Sequence[Rule] | None,
    uncovered: str = "",
    action_errors: Sequence[str] = (),
) -> Verdict:
    """Return the verdict for one action from its rule outcomes.

    `allows` lists the allow rules covering each unit, or is None when some unit is not
    covered (`uncovered` then says which, for the explanation).
    """
    errors = tuple(action_errors)
    for hit in denies:
        if hit.error:
            errors = tuple(f"rule `{h.rule.id}`: {h.what}" for h in denies if h.error) + tuple(
                action_errors
            )
            break
    if denies:
        return _fired(Decision.DENY, "denied: ", _BLOCKED, denies, errors)
    if asks:
        return _fired(Decision.ASK, "needs approval: ", _APPROVAL, asks, errors)
    if allows is not None and not action_errors:
        ids = tuple(dict.fromkeys(r.id for r in allows))
        return Verdict(
            Decision.ALLOW,
            ids,
            "allowed: every part of the call is covered by "
            + ", ".join(f"rule `{i}`" for i in ids),
            "allowed.",
            errors,
        )
    return default_verdict(default, uncovered=uncovered, errors=errors)


def default_verdict(
    default: Decision, *, uncovered: str = "", errors: Sequence[str] = ()
) -> Verdict:
    """Return the verdict of the policy default (no rule decided)."""
    if errors:
        why = "the call could not be fully understood"
    elif uncovered:
        why = f"no allow rule covers {uncovered}"
    else:
        why = "no rule decided the call"
    if default is Decision.ASK:
        return Verdict(
            Decision.ASK,
            (),
            f"needs approval by the policy default: {why}",
            _APPROVAL + "no rule allows it automatically.",
            tuple(errors),
        )
    return Verdict(
        Decision.DENY,
        (),
        f"denied by the policy default: {why}",
        _BLOCKED + "no rule allows it.",
        tuple(errors),
    )
