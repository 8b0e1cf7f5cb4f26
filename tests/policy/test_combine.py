"""The one combining function, on its own."""

from __future__ import annotations

from watchkeeper.events import Decision
from watchkeeper.policy import Rule, combine, parse_policy
from watchkeeper.policy._combine import Hit

RULES = {
    r.id: r
    for r in parse_policy(
        "version: 1\ndefault: deny\nrules:\n"
        "  - {id: d, decision: deny, description: 'no', match: {tool: X}}\n"
        "  - {id: a, decision: ask, description: maybe, match: {tool: X}}\n"
        "  - {id: ok, decision: allow, match: {tool: X}}\n",
        home="/home/dev",
    ).rules
}


def _rule(rule_id: str) -> Rule:
    return RULES[rule_id]


def test_any_deny_wins() -> None:
    """A deny beats asks and allows."""
    verdict = combine(
        Decision.ASK,
        denies=[Hit(_rule("d"), "tool `X`")],
        asks=[Hit(_rule("a"), "tool `X`")],
        allows=[_rule("ok")],
    )
    assert (verdict.decision, verdict.rule_ids) == (Decision.DENY, ("d",))


def test_ask_beats_allow() -> None:
    """With no deny, an ask beats an allow."""
    verdict = combine(Decision.DENY, denies=[], asks=[Hit(_rule("a"), "x")], allows=[_rule("ok")])
    assert (verdict.decision, verdict.rule_ids) == (Decision.ASK, ("a",))


def test_allow_when_every_unit_is_covered() -> None:
    """Covering allow rules give allow, each id once."""
    verdict = combine(Decision.DENY, denies=[], asks=[], allows=[_rule("ok"), _rule("ok")])
    assert (verdict.decision, verdict.rule_ids) == (Decision.ALLOW, ("ok",))


def test_uncovered_falls_to_the_default() -> None:
    """`allows=None` (a unit uncovered) gives the default with no rule ids."""
    for default in (Decision.DENY, Decision.ASK):
        verdict = combine(default, denies=[], asks=[], allows=None, uncovered="command `x`")
        assert (verdict.decision, verdict.rule_ids) == (default, ())
        assert "command `x`" in verdict.explanation


def test_error_hit_is_a_deny_and_kept() -> None:
    """An erroring rule denies and its error is in `errors`."""
    verdict = combine(
        Decision.ASK, denies=[Hit(_rule("a"), "ValueError: x", error=True)], asks=[], allows=None
    )
    assert verdict.decision is Decision.DENY
    assert verdict.errors == ("rule `a`: ValueError: x",)
    assert "failed to evaluate" in verdict.explanation


def test_action_errors_block_allow() -> None:
    """Normaliser errors turn a would-be allow into the default."""
    verdict = combine(
        Decision.ASK, denies=[], asks=[], allows=[_rule("ok")], action_errors=("bad parse",)
    )
    assert verdict.decision is Decision.ASK
    assert verdict.errors == ("bad parse",)


def test_agent_message_names_rule_and_description_only() -> None:
    """The agent message carries the rule id and description but not what matched."""
    verdict = combine(
        Decision.DENY, denies=[Hit(_rule("d"), "read of `/secret/path`")], asks=[], allows=None
    )
    assert verdict.agent_message == "watchkeeper blocked this tool call: rule `d` (no)."
    assert "/secret/path" in verdict.explanation
