"""Assess every deployment of a watchkeeper home over a period."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from watchkeeper.assess._facts import Facts, gather_facts
from watchkeeper.assess._model import Assessment, DeploymentAssessment
from watchkeeper.assess._rate import bottom_lines, rate_means, rate_motive, rate_opportunity
from watchkeeper.assess._reach import policy_reach
from watchkeeper.clock import utcnow
from watchkeeper.events import Event
from watchkeeper.normalize import Normalizer
from watchkeeper.policy import Policy

__all__ = ["assess_events", "assess_home"]

#: Deployments the kill-switch drill creates; their containment counts for every deployment.
_DRILL_PREFIX = "drill-"
#: The deployment id `watchkeeper kill --all` records its containment under.
_ALL = "all"


def assess_events(
    events: Iterable[Event],
    policy_for: Callable[[str], Policy],
    *,
    start: datetime,
    end: datetime,
    only: str | None = None,
) -> Assessment:
    """Assess the deployments seen in `events` within [`start`, `end`)."""
    normalizer = Normalizer()
    facts = gather_facts(events, start=start, end=end, normalizer=normalizer)
    # Drills, and kills of every deployment at once (recorded under `all`), show how
    # containment works for every deployment.
    drills = [c for name, f in facts.items() if _shared(name) for c in f.contained]
    out: list[DeploymentAssessment] = []
    for name in sorted(facts):
        if _shared(name) or (only is not None and name != only):
            continue
        found = facts[name]
        if not found.contained and drills:
            found.contained.extend(sorted(drills, key=lambda c: c["ts"]))
        out.append(_one(found, policy_for(name), normalizer))
    return Assessment(start=start, end=end, generated_at=utcnow(), deployments=tuple(out))


def _shared(name: str) -> bool:
    return name.startswith(_DRILL_PREFIX) or name == _ALL


def _one(facts: Facts, policy: Policy, normalizer: Normalizer) -> DeploymentAssessment:
    reach = policy_reach(policy, normalizer)
    means = rate_means(facts)
    small, robust = bottom_lines(means, facts, reach)
    return DeploymentAssessment(
        deployment=facts.deployment,
        sessions=len(facts.sessions),
        tool_calls=facts.tool_calls,
        means=means,
        motive=rate_motive(facts),
        opportunity=rate_opportunity(facts, reach),
        small_rogue=small,
        robust_rogue=robust,
    )


def assess_home(
    home: Path, *, period: timedelta, deployment: str | None = None, end: datetime | None = None
) -> Assessment:
    """Assess `home`'s ledger (`$WATCHKEEPER_DB` or `<home>/ledger.db`) over the `period` up to
    `end` (default: now)."""
    from watchkeeper.deployments import DeploymentPolicies, open_registry
    from watchkeeper.gateway import ensure_policy_file
    from watchkeeper.ledger import ledger_source
    from watchkeeper.policy import load_policy

    stop = end if end is not None else utcnow()
    base = load_policy(ensure_policy_file(home))
    policies = DeploymentPolicies(open_registry(home).get, base)
    events = (event for _, event in ledger_source(home).events())
    return assess_events(events, policies, start=stop - period, end=stop, only=deployment)
