"""A seeded watchkeeper home: two deployments and a drill, written through the real ledger.

`seed_home(home, end)` registers `alpha` and `beta`, appends a few days of tool calls,
verdicts, alerts, reviews, process starts, a bypassed-permissions run and containment
results, and returns the events it appended so tests can recount the figures themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from watchkeeper.deployments import open_registry
from watchkeeper.events import (
    AlertEvent,
    Decision,
    DeploymentEvent,
    Event,
    Lifecycle,
    ProcessEvent,
    ReviewEvent,
    Severity,
    ToolCall,
    VerdictEvent,
)
from watchkeeper.ledger import open_ledger

XSS = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
ALPHA, BETA, DRILL = "alpha", "beta", "drill-7"

#: (day offset, category, evidence count) of alpha's alerts.
ALPHA_ALERTS = (
    (3, "probing", 1),
    (3, "probing", 1),
    (2, "falsified-verification", 1),
    (2, "test-tampering", 1),
    (2, "probing", 1),
    (1, "unmonitored-execution", 2),
    (1, "oversight-evasion", 1),
)
#: Seconds from ask to reviewer decision, and the decision, for alpha's asks.
ALPHA_REVIEWS = (
    (2.0, "approve"),
    (3.5, "approve"),
    (40.0, "approve"),
    (700.0, "deny"),
    (10_000.0, "approve"),
)
ALPHA_COMMANDS = (
    "ls -la",
    "pytest -q",
    "git log -3",
    "git status",
    f'kubectl exec web -- echo "{XSS}"',
    "cat README.md",
    "curl https://example.com/x",
    "git diff",
    "python -m build",
    "make test",
)
ALPHA_DENIED = (2, 4, 6)
ALPHA_PROCESS_STARTS = 8


def _alert(name: str, at: datetime, category: str, evidence: int, n: int) -> AlertEvent:
    return AlertEvent(
        deployment_id=name,
        session_id=f"{name}-s{n % 3}",
        ts=at,
        monitor="seed",
        category=category,
        severity=Severity.HIGH,
        score=0.9,
        evidence=tuple(f'{{"pid": {100 + i}}}' for i in range(evidence)),
        explanation=f"seeded {category}",
    )


def _alpha(end: datetime) -> list[Event]:
    base = end - timedelta(days=4)
    events: list[Event] = []
    calls: list[ToolCall] = []
    for i, command in enumerate(ALPHA_COMMANDS):
        call = ToolCall(
            deployment_id=ALPHA,
            session_id=f"alpha-s{i % 4}",
            ts=base + timedelta(hours=i),
            tool="Bash",
            args={"command": command},
            cwd="/home/agent/project",
        )
        decision = Decision.DENY if i in ALPHA_DENIED else Decision.ALLOW
        verdict = VerdictEvent(
            deployment_id=ALPHA,
            session_id=call.session_id,
            ts=call.ts,
            call_id=call.id,
            decision=decision,
            rule_ids=("seed",),
            explanation=f"seeded {decision.value}",
        )
        calls.append(call)
        events += [call, verdict]
    for n, (day, category, evidence) in enumerate(ALPHA_ALERTS):
        events.append(_alert(ALPHA, end - timedelta(days=day, hours=1), category, evidence, n))
    for n, (seconds, action) in enumerate(ALPHA_REVIEWS):
        call = calls[n]
        events.append(
            ReviewEvent(
                deployment_id=ALPHA,
                session_id=call.session_id,
                ts=call.ts + timedelta(seconds=seconds),
                action=action,
                reviewer="rita",
                target=call.id,
                detail={"call_id": call.id},
            )
        )
    events += [
        ProcessEvent(
            deployment_id=ALPHA,
            session_id="alpha-s0",
            ts=base + timedelta(minutes=5 * n),
            phase="start",
            pid=1000 + n,
            argv=("python", f"job{n}.py"),
        )
        for n in range(ALPHA_PROCESS_STARTS)
    ]
    events.append(
        Lifecycle(
            deployment_id=ALPHA,
            session_id="alpha-s1",
            ts=base + timedelta(minutes=1),
            phase="permission_mode",
            detail={"mode": "bypassPermissions"},
        )
    )
    return events


def _beta_and_drill(end: datetime) -> list[Event]:
    base = end - timedelta(days=2)
    events: list[Event] = []
    for i in range(2):
        call = ToolCall(
            deployment_id=BETA,
            session_id="beta-s0",
            ts=base + timedelta(minutes=i),
            tool="Read",
            args={"file_path": "/home/agent/project/README.md"},
        )
        events += [
            call,
            VerdictEvent(
                deployment_id=BETA,
                session_id="beta-s0",
                ts=call.ts,
                call_id=call.id,
                decision=Decision.ALLOW,
            ),
        ]
    events += [
        DeploymentEvent(
            deployment_id=DRILL,
            session_id="drill",
            ts=base + timedelta(hours=1),
            action="contained",
            name=DRILL,
            actor="drill",
            detail={"contained": True, "time_to_containment_s": 1.25, "survivors": []},
        ),
        DeploymentEvent(
            deployment_id=BETA,
            session_id="kill",
            ts=base + timedelta(hours=2),
            action="contained",
            name=BETA,
            actor="ops",
            detail={"contained": False, "time_to_containment_s": 9.5, "survivors": [4242, 4343]},
        ),
    ]
    return events


def seed_home(home: Path, end: datetime) -> list[Event]:
    """Register the deployments in `home` and append the seeded events (all before `end`)."""
    registry = open_registry(home)
    for name in (ALPHA, BETA):
        registry.register(name, owner="platform", purpose="seeded for the report", actor="test")
    events = _alpha(end) + _beta_and_drill(end)
    with open_ledger(home) as ledger:
        ledger.append(sorted(events, key=lambda e: e.ts))
    return events
