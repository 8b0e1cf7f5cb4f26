"""Facts per deployment over a period, gathered in one pass over the ledger."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from watchkeeper.events import (
    AlertEvent,
    Decision,
    DeploymentEvent,
    Event,
    Lifecycle,
    Message,
    ReviewEvent,
    ToolCall,
    VerdictEvent,
)
from watchkeeper.normalize import Normalizer

__all__ = ["Facts", "gather_facts"]

#: Command names that act on infrastructure: provisioning, deployment, cluster and cloud.
INFRA_COMMANDS = frozenset(
    {"kubectl", "helm", "terraform", "pulumi", "aws", "gcloud", "az", "sbatch", "srun",
     "docker", "podman", "nomad", "ansible-playbook", "eksctl", "doctl", "flyctl", "modal"}
)  # fmt: skip
_HUMAN_REVIEWS = frozenset({"approve", "deny"})


@dataclass(slots=True)
class Facts:
    """What one deployment did in the period (see each field)."""

    deployment: str
    sessions: set[str] = field(default_factory=set)
    tool_calls: int = 0
    tools: Counter[str] = field(default_factory=Counter)
    commands: Counter[str] = field(default_factory=Counter)
    infra: list[tuple[str, str]] = field(default_factory=list)  # (event id, command text)
    external_hosts: Counter[str] = field(default_factory=Counter)
    decisions: Counter[str] = field(default_factory=Counter)
    denied_ids: list[str] = field(default_factory=list)
    alerts: Counter[str] = field(default_factory=Counter)
    alert_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    reviews: Counter[str] = field(default_factory=Counter)
    review_latency_s: list[float] = field(default_factory=list)
    permissive_ids: list[str] = field(default_factory=list)
    longest_autonomous: int = 0
    contained: list[dict[str, Any]] = field(default_factory=list)
    open_runs: dict[str, int] = field(default_factory=dict)
    call_ts: dict[str, datetime] = field(default_factory=dict)

    def autonomous_step(self, session: str) -> None:
        """One more tool call in `session` with no human decision since the last one."""
        self.open_runs[session] = self.open_runs.get(session, 0) + 1
        self.longest_autonomous = max(self.longest_autonomous, self.open_runs[session])

    def human_decision(self, session: str) -> None:
        """A person decided something in `session`: the autonomous run restarts."""
        self.open_runs[session] = 0


def gather_facts(
    events: Iterable[Event],
    *,
    start: datetime,
    end: datetime,
    normalizer: Normalizer | None = None,
) -> dict[str, Facts]:
    """Facts per deployment from `events` whose timestamp is within [`start`, `end`)."""
    norm = normalizer if normalizer is not None else Normalizer()
    out: dict[str, Facts] = {}
    for event in events:
        if not start <= event.ts < end:
            continue
        facts = out.get(event.deployment_id)
        if facts is None:
            facts = out[event.deployment_id] = Facts(event.deployment_id)
        _add(facts, event, norm)
    return out


def _add(facts: Facts, event: Event, norm: Normalizer) -> None:
    if isinstance(event, ToolCall):
        facts.sessions.add(event.session_id)
        facts.tool_calls += 1
        facts.tools[event.tool] += 1
        facts.call_ts[event.id] = event.ts
        facts.autonomous_step(event.session_id)
        action = norm.tool_call(event)
        for command in action.commands:
            facts.commands[command.name] += 1
            if command.name in INFRA_COMMANDS:
                facts.infra.append((event.id, command.text[:200]))
        for host in action.hosts:
            facts.external_hosts[host] += 1
    elif isinstance(event, VerdictEvent):
        facts.decisions[event.decision.value] += 1
        if event.decision is Decision.DENY:
            facts.denied_ids.append(event.call_id)
    elif isinstance(event, AlertEvent):
        facts.alerts[event.category] += 1
        facts.alert_ids[event.category].append(event.id)
    elif isinstance(event, ReviewEvent):
        _review(facts, event)
    elif isinstance(event, Message) and event.role == "user":
        facts.human_decision(event.session_id)
    elif isinstance(event, Lifecycle) and event.phase == "permission_mode":
        if str(event.detail.get("mode") or event.detail.get("permission_mode")) in (
            "bypassPermissions",
            "dangerously-skip-permissions",
        ):
            facts.permissive_ids.append(event.id)
    elif isinstance(event, DeploymentEvent) and event.action == "contained":
        facts.contained.append({**event.detail, "event_id": event.id, "ts": event.ts})


def _review(facts: Facts, event: ReviewEvent) -> None:
    facts.reviews[event.action] += 1
    if event.action not in _HUMAN_REVIEWS:
        return
    facts.human_decision(event.session_id)
    call_id = event.detail.get("call_id")
    asked = facts.call_ts.get(call_id) if isinstance(call_id, str) else None
    if asked is not None:
        facts.review_latency_s.append((event.ts - asked).total_seconds())
