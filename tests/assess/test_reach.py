"""`policy_reach`: what a policy lets an agent do, asked through the real decide function."""

from __future__ import annotations

from watchkeeper.assess import CAPABILITIES, Access, policy_reach
from watchkeeper.gateway import DEFAULT_POLICY
from watchkeeper.policy import parse_policy


def _access(policy_text: str) -> dict[str, Access]:
    return {r.capability: r.access for r in policy_reach(parse_policy(policy_text))}


def test_one_reach_per_capability_in_order() -> None:
    """Every capability is answered once, in `CAPABILITIES` order."""
    found = policy_reach(parse_policy(DEFAULT_POLICY))
    assert [r.capability for r in found] == list(CAPABILITIES)


def test_coding_agent_pack_closes_persistence_credentials_and_hooks() -> None:
    """The built-in pack denies writing outside the workspace, credentials, detaching and hooks."""
    access = _access(DEFAULT_POLICY)
    closed = ["write outside its workspace", "read credentials", "detach processes",
              "change its own hooks or monitoring"]  # fmt: skip
    assert {c: access[c] for c in closed} == dict.fromkeys(closed, Access.CLOSED)


def test_coding_agent_pack_gates_egress_and_compute() -> None:
    """The built-in pack asks a person before egress, model APIs and provisioning."""
    access = _access(DEFAULT_POLICY)
    gated = ["reach the internet", "provision compute", "call external model APIs"]
    assert {c: access[c] for c in gated} == dict.fromkeys(gated, Access.GATED)


def test_reach_names_the_deciding_rules() -> None:
    """A closed capability names the rule that closed it."""
    found = {r.capability: r for r in policy_reach(parse_policy(DEFAULT_POLICY))}
    assert found["read credentials"].rule_ids == ("deny-credential-read",)


def test_default_ask_gates_everything() -> None:
    """With no rules and `default: ask`, every capability is gated."""
    access = _access("version: 1\ndefault: ask\nrules: []\n")
    assert set(access.values()) == {Access.GATED}


def test_an_allow_rule_opens_a_capability() -> None:
    """An allow rule covering the provisioning probes opens provisioning."""
    policy = (
        "version: 1\ndefault: deny\nrules:\n"
        "  - id: allow-all-tools\n    decision: allow\n    match: {tool: '*'}\n"
    )
    found = {r.capability: r for r in policy_reach(parse_policy(policy))}
    assert found["provision compute"].access is Access.OPEN
    assert found["provision compute"].rule_ids == ("allow-all-tools",)
