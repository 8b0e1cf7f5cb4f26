"""The one combining function: the only place a decision is made from rule outcomes.

Any deny → deny; else any ask → ask; else, when every unit of the action is covered by an
allow rule → allow; else the policy default (deny or ask, never allow). A rule that raised is
a deny, and its error is kept. Normaliser errors never end in allow.

`combine` is the whole rule. `fired` is its first two steps (some deny or ask rule fired), and
the policy calls it directly on the hot path, positionally; `combine` goes through it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from watchkeeper.events import Decision
from watchkeeper.policy._rule import Rule
from watchkeeper.policy._verdict import APPROVAL, BLOCKED, Verdict, build_verdict

__all__ = ["Hit", "allowed_verdict", "combine", "default_verdict", "fired"]


class Hit(NamedTuple):
    """A deny or ask rule that fired: what it matched, or the error it raised.

    A named tuple rather than a frozen dataclass: one is built for every rule that fires, on
    the decision hot path, and a tuple is several times cheaper to build.
    """

    rule: Rule
    what: str
    error: bool = False


def _distinct(hits: Sequence[Hit]) -> list[Rule]:
    seen: dict[str, Rule] = {}
    for hit in hits:
        seen.setdefault(hit.rule.id, hit.rule)
    return list(seen.values())


def _explain(hit: Hit) -> str:
    if hit.error:
        return f"rule `{hit.rule.id}` failed to evaluate ({hit.what}), which counts as deny"
    return hit.rule.matched + hit.what


_DENY = Decision.DENY
_ASK = Decision.ASK


def fired(denies: Sequence[Hit], asks: Sequence[Hit], action_errors: tuple[str, ...]) -> Verdict:
    """Return the verdict when some deny or ask rule fired (`denies` or `asks` is not empty).

    Any deny (a rule that raised is one) → deny naming every deny; else ask naming every ask.
    """
    if action_errors.__class__ is not tuple:  # a hand-built action may hold a list
        action_errors = tuple(action_errors)
    if denies:
        if len(denies) == 1 and not denies[0].error:  # the usual deny, without the generality
            rule, what, _ = denies[0]
            return build_verdict(_DENY, rule.ids, rule.denied + what, rule.blocked, action_errors)
        errors = action_errors
        if any(hit.error for hit in denies):
            errors = (
                *(f"rule `{h.rule.id}`: {h.what}" for h in denies if h.error),
                *action_errors,
            )
        return _verdict(_DENY, "denied: ", BLOCKED, denies, errors)
    if len(asks) == 1:  # the usual ask, as above
        rule, what, _ = asks[0]
        return build_verdict(_ASK, rule.ids, rule.asked + what, rule.approval, action_errors)
    return _verdict(_ASK, "needs approval: ", APPROVAL, asks, action_errors)


def _verdict(
    decision: Decision, lead: str, told: str, hits: Sequence[Hit], errors: tuple[str, ...]
) -> Verdict:
    rules = _distinct(hits)
    return build_verdict(
        decision,
        tuple(r.id for r in rules),
        lead + "; ".join(_explain(hit) for hit in hits),
        told + ", ".join(r.label for r in rules) + ".",
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
    if denies or asks:
        return fired(denies, asks, tuple(action_errors))
    if allows is not None and not action_errors:
        return allowed_verdict(allows)
    return default_verdict(default, uncovered=uncovered, errors=action_errors)


def allowed_verdict(allows: Sequence[Rule]) -> Verdict:
    """Return the allow verdict of an action, without errors, whose units `allows` cover."""
    ids = tuple(dict.fromkeys(r.id for r in allows))
    return build_verdict(
        Decision.ALLOW,
        ids,
        "allowed: every part of the call is covered by " + ", ".join(f"rule `{i}`" for i in ids),
        "allowed.",
        (),
    )


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
        return build_verdict(
            Decision.ASK,
            (),
            f"needs approval by the policy default: {why}",
            APPROVAL + "no rule allows it automatically.",
            tuple(errors),
        )
    return build_verdict(
        Decision.DENY,
        (),
        f"denied by the policy default: {why}",
        BLOCKED + "no rule allows it.",
        tuple(errors),
    )
