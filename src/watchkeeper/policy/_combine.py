"""The one combining function: the only place a decision is made from rule outcomes.

Any deny → deny; else any ask → ask; else, when every unit of the action is covered by an
allow rule → allow; else the policy default (deny or ask, never allow). A rule that raised is
a deny, and its error is kept. Normaliser errors never end in allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from watchkeeper.events import Decision
from watchkeeper.policy._rule import Rule
from watchkeeper.policy._verdict import Verdict

__all__ = ["Hit", "combine", "default_verdict", "rule_label"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A deny or ask rule that fired: what it matched, or the error it raised."""

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
    errors = tuple(f"rule `{h.rule.id}`: {h.what}" for h in denies if h.error) + tuple(
        action_errors
    )
    if denies:
        rules = _distinct(denies)
        return Verdict(
            decision=Decision.DENY,
            rule_ids=tuple(r.id for r in rules),
            explanation="denied: " + _explain(denies),
            agent_message="watchkeeper blocked this tool call: "
            + ", ".join(rule_label(r) for r in rules)
            + ".",
            errors=errors,
        )
    if asks:
        rules = _distinct(asks)
        return Verdict(
            decision=Decision.ASK,
            rule_ids=tuple(r.id for r in rules),
            explanation="needs approval: " + _explain(asks),
            agent_message="this tool call needs a person's approval: "
            + ", ".join(rule_label(r) for r in rules)
            + ".",
            errors=errors,
        )
    if allows is not None and not action_errors:
        ids = tuple(dict.fromkeys(r.id for r in allows))
        return Verdict(
            decision=Decision.ALLOW,
            rule_ids=ids,
            explanation="allowed: every part of the call is covered by "
            + ", ".join(f"rule `{i}`" for i in ids),
            agent_message="allowed.",
            errors=errors,
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
            decision=Decision.ASK,
            rule_ids=(),
            explanation=f"needs approval by the policy default: {why}",
            agent_message=(
                "this tool call needs a person's approval: no rule allows it automatically."
            ),
            errors=tuple(errors),
        )
    return Verdict(
        decision=Decision.DENY,
        rule_ids=(),
        explanation=f"denied by the policy default: {why}",
        agent_message="watchkeeper blocked this tool call: no rule allows it.",
        errors=tuple(errors),
    )
