"""Policy test cases: an event, the decision it must get and the rules that must decide it.

The format (a YAML list) is shared by `watchkeeper policy test` and our own case corpus::

    - name: rm of the root is denied
      event: {tool: Bash, args: {command: "rm -rf /"}, cwd: /work/proj}
      expect: {decision: deny, rules: [deny-destructive-delete]}

`event` may add `session: {untrusted_seen: true, untrusted_sources: [WebFetch], denied_count: 2}`.
`expect.rules` is compared exactly (order aside); an empty list means the default decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from watchkeeper.events import Decision
from watchkeeper.normalize import Normalizer
from watchkeeper.policy._context import SessionContext
from watchkeeper.policy._errors import PolicyError
from watchkeeper.policy._policy import Policy
from watchkeeper.policy._verdict import Verdict

__all__ = ["Case", "CaseResult", "load_cases", "run_case", "session_from_mapping"]


@dataclass(frozen=True, slots=True)
class Case:
    """One policy test case."""

    name: str
    tool: str
    args: Mapping[str, Any]
    cwd: str | None
    session: SessionContext
    decision: Decision
    rules: frozenset[str]
    origin: str


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The verdict a case got and whether it was the expected one."""

    case: Case
    verdict: Verdict

    @property
    def passed(self) -> bool:
        return (
            self.verdict.decision is self.case.decision
            and frozenset(self.verdict.rule_ids) == self.case.rules
        )


def session_from_mapping(data: Any) -> SessionContext:
    """Build a `SessionContext` from a plain mapping; raises `ValueError` on bad fields."""
    if data is None:
        return SessionContext()
    if not isinstance(data, Mapping):
        raise ValueError("`session` must be a mapping")
    unknown = set(data) - {"untrusted_seen", "untrusted_sources", "denied_count"}
    if unknown:
        raise ValueError(f"`session` has unknown key `{sorted(unknown)[0]}`")
    seen = data.get("untrusted_seen", False)
    sources = data.get("untrusted_sources", [])
    denied = data.get("denied_count", 0)
    if not isinstance(seen, bool):
        raise ValueError("`session.untrusted_seen` must be true or false")
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ValueError("`session.untrusted_sources` must be a list of tool names")
    if not isinstance(denied, int) or isinstance(denied, bool) or denied < 0:
        raise ValueError("`session.denied_count` must be a whole number")
    return SessionContext(
        untrusted_seen=seen, untrusted_sources=frozenset(sources), denied_count=denied
    )


def load_cases(text: str, *, source: str = "<cases>", cwd: str | None = None) -> list[Case]:
    """Parse a YAML list of cases; `cwd` is used for events that do not give one.

    Raises `PolicyError` naming the case file (and case) on any malformed case.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source}:1: the case file is not valid yaml ({exc}); fix it") from exc
    if not isinstance(data, list):
        raise PolicyError(f"{source}:1: a case file must be a yaml list of cases")
    cases = []
    for index, item in enumerate(data):
        origin = f"{source}#{index + 1}"
        try:
            cases.append(_case(item, origin, cwd))
        except (ValueError, TypeError, KeyError) as exc:
            raise PolicyError(f"{origin}: {exc}; fix the case") from exc
    return cases


def _case(item: Any, origin: str, cwd: str | None) -> Case:
    if not isinstance(item, Mapping):
        raise ValueError("a case must be a mapping with `name`, `event` and `expect`")
    name, event, expect = item["name"], item["event"], item["expect"]
    if not isinstance(event, Mapping) or not isinstance(expect, Mapping):
        raise ValueError("`event` and `expect` must be mappings")
    tool, args = event["tool"], event.get("args", {})
    if not isinstance(tool, str) or not isinstance(args, Mapping):
        raise ValueError("`event.tool` must be text and `event.args` a mapping")
    rules = expect.get("rules", [])
    if not isinstance(rules, list):
        raise ValueError("`expect.rules` must be a list of rule ids")
    event_cwd = event.get("cwd", cwd)
    return Case(
        name=str(name),
        tool=tool,
        args=dict(args),
        cwd=str(event_cwd) if event_cwd is not None else None,
        session=session_from_mapping(event.get("session")),
        decision=Decision(expect["decision"]),
        rules=frozenset(str(r) for r in rules),
        origin=origin,
    )


def run_case(policy: Policy, normalizer: Normalizer, case: Case) -> CaseResult:
    """Normalise the case's event, decide it and compare with the expectation."""
    action = normalizer.action(case.tool, case.args, cwd=case.cwd)
    return CaseResult(case, policy.decide(action, case.session))
