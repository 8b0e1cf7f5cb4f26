"""A verdict: a frozen value that explains itself."""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.events import Decision

__all__ = ["Verdict"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one tool call and why.

    `rule_ids` name the rules that decided it (empty when the policy default decided);
    `explanation` is for humans reviewing the ledger; `agent_message` is what the agent is
    told, and never says how to get around the rule; `errors` keeps every error met on the
    way (a rule that errored counts as deny).
    """

    decision: Decision
    rule_ids: tuple[str, ...]
    explanation: str
    agent_message: str
    errors: tuple[str, ...] = ()
