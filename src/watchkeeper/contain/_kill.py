"""The kill switch: revoke, freeze, kill, sweep persistence, verify, report.

`contain(home, target, …)` acts on a deployment (every session of it), one session, or
everything supervised in the home. Revocation comes first, so the gateway refuses the
targets' tokens while their processes are still being killed. Processes are found twice
over: through each session's confinement, and by the environment marker anywhere on the
host (which also catches a process that left its cgroup).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from watchkeeper.clock import utcnow
from watchkeeper.contain._report import ContainmentReport
from watchkeeper.contain._verify import (
    accepted_calls_since,
    ledger_seq,
    listeners_left,
    listeners_of,
)
from watchkeeper.events import DeploymentEvent
from watchkeeper.supervise import (
    DEPLOYMENT_ENV,
    MARKER_ENV,
    ConfinementError,
    PersistenceFinding,
    PersistenceSnapshot,
    SupervisedSession,
    attach_confinement,
    find_persistence,
    load_sessions,
    marker_pids,
    pid_alive,
    remove_persistence,
    save_session,
    signal_all,
    snapshot_path,
)

if TYPE_CHECKING:
    from watchkeeper.deployments import Registry
    from watchkeeper.ledger import LedgerStore

__all__ = ["ContainError", "KillTarget", "contain"]

_KILL_TIMEOUT = 5.0


class ContainError(RuntimeError):
    """Nothing matches the target: no such deployment or session."""


@dataclass(frozen=True, slots=True)
class KillTarget:
    """Exactly one of: a deployment `name`, a `session` id, or `everything`."""

    name: str | None = None
    session: str | None = None
    everything: bool = False

    def label(self) -> str:
        """Return how reports name the target."""
        if self.everything:
            return "all deployments"
        if self.session is not None:
            return f"session {self.session}"
        return f"deployment {self.name}"


def _marked(target: KillTarget, sessions: list[SupervisedSession]) -> set[int]:
    """Every process on the host carrying a targeted marker."""
    found: set[int] = set()
    if target.everything:
        found |= marker_pids(MARKER_ENV, None)
    elif target.name is not None:
        found |= marker_pids(DEPLOYMENT_ENV, target.name)
    for session in sessions:
        found |= marker_pids(MARKER_ENV, session.session_id)
    return found


def _select(
    home: Path, target: KillTarget, registry: Registry
) -> tuple[list[SupervisedSession], list[str]]:
    sessions = load_sessions(home)
    if target.session is not None:
        chosen = [s for s in sessions if s.session_id == target.session]
        if not chosen:
            raise ContainError(
                f"no supervised session `{target.session}` in `{home}`; "
                "session ids are in the output of `watchkeeper run`"
            )
        return chosen, [chosen[0].deployment]
    if target.everything:
        names = [d.name for d in registry.list() if d.status != "revoked"]
        return [s for s in sessions if s.ended is None], sorted(
            set(names) | {s.deployment for s in sessions if s.ended is None}
        )
    if registry.get(target.name or "") is None and not any(
        s.deployment == target.name for s in sessions
    ):
        raise ContainError(
            f"no deployment `{target.name}` is registered or supervised; "
            "run `watchkeeper deploy list`"
        )
    return [s for s in sessions if s.deployment == target.name and s.ended is None], [
        target.name or ""
    ]


def _revoke(
    target: KillTarget,
    *,
    deployments: list[str],
    sessions: list[SupervisedSession],
    registry: Registry,
    reason: str,
    errors: list[str],
) -> list[str]:
    from watchkeeper.deployments import DeploymentError
    from watchkeeper.gateway import TokenNotFoundError

    revoked: list[str] = []
    if target.session is None:
        for name in deployments:
            try:
                registry.revoke(name, actor="kill", reason=reason)
                revoked.append(name)
            except DeploymentError as exc:
                current = registry.get(name)
                if current is None or current.status != "revoked":
                    errors.append(str(exc))
    for session in sessions:
        if session.token_prefix is None:
            continue
        try:
            registry.tokens.revoke(session.token_prefix)
            revoked.append(f"{session.token_prefix}…")
        except TokenNotFoundError:
            continue
    return revoked


def _kill_all(target: KillTarget, sessions: list[SupervisedSession]) -> tuple[int, set[int]]:
    """Freeze and kill every session and every marked process; return (killed, survivors)."""
    confinements = [attach_confinement(s.backend, s.session_id, s.cgroups) for s in sessions]
    seen: set[int] = set()
    for confinement in confinements:
        confinement.freeze()
        seen |= confinement.members()
    marked = _marked(target, sessions)
    signal_all(marked, signal.SIGSTOP)
    seen |= marked
    for confinement in confinements:
        confinement.kill(_KILL_TIMEOUT)
    deadline = time.monotonic() + _KILL_TIMEOUT
    while True:
        marked = _marked(target, sessions)
        survivors = marked | {p for c in confinements for p in c.members()}
        if not survivors or time.monotonic() >= deadline:
            return len(seen | survivors), survivors
        seen |= marked
        signal_all(marked, signal.SIGSTOP)
        signal_all(marked, signal.SIGKILL)
        time.sleep(0.002)


def _sweep(
    home: Path, sessions: list[SupervisedSession], remove: bool, errors: list[str]
) -> list[PersistenceFinding]:
    findings: list[PersistenceFinding] = []
    for session in sessions:
        path = snapshot_path(home, session.session_id)
        try:
            snapshot = PersistenceSnapshot.model_validate_json(path.read_text())
        except (OSError, ValidationError) as exc:
            errors.append(f"no persistence snapshot for {session.session_id} ({exc})")
            continue
        found = find_persistence(snapshot)
        findings += remove_persistence(snapshot, found) if remove and found else found
    return findings


def _close_orphaned(home: Path, sessions: list[SupervisedSession], errors: list[str]) -> None:
    """End sessions whose supervisor is gone (it would have done this itself)."""
    for session in sessions:
        if pid_alive(session.supervisor_pid):
            continue
        try:
            attach_confinement(session.backend, session.session_id, session.cgroups).remove()
        except ConfinementError as exc:
            errors.append(str(exc))
        save_session(home, session.model_copy(update={"ended": utcnow()}))


def contain(
    home: Path,
    target: KillTarget,
    *,
    registry: Registry,
    ledger: LedgerStore,
    reason: str = "",
    remove: bool = False,
    actor: str = "cli",
    clock: Callable[[], float] = time.perf_counter,
) -> ContainmentReport:
    """Contain `target` and return (and record) the containment report."""
    t0 = clock()
    started = utcnow()
    sessions, deployments = _select(home, target, registry)
    errors: list[str] = []
    seq = ledger_seq(home)
    revoked = _revoke(
        target,
        deployments=deployments,
        sessions=sessions,
        registry=registry,
        reason=reason,
        errors=errors,
    )
    revoked_at = utcnow()
    held = listeners_of(
        {
            p
            for s in sessions
            for p in attach_confinement(s.backend, s.session_id, s.cgroups).members()
        }
        | _marked(target, sessions)
    )
    killed, survivors = _kill_all(target, sessions)
    contained_after = clock() - t0
    left = listeners_left(held)
    calls = accepted_calls_since(
        home, seq, revoked_at, set(deployments), {s.session_id for s in sessions}
    )
    findings = _sweep(home, sessions, remove, errors)
    _close_orphaned(home, sessions, errors)
    report = ContainmentReport(
        target=target.label(),
        reason=reason,
        started=started,
        revoked_at=revoked_at,
        deployments=deployments,
        sessions={s.session_id: s.backend for s in sessions},
        revoked=revoked,
        killed=killed,
        survivors=sorted(survivors),
        listeners=sorted(held.values()),
        listeners_left=left,
        calls_after_revocation=calls,
        persistence=findings,
        time_to_containment_s=contained_after,
        total_s=clock() - t0,
        errors=errors,
    )
    name = deployments[0] if len(deployments) == 1 else "all"
    try:
        ledger.append(
            [
                DeploymentEvent(
                    deployment_id=name,
                    session_id=target.session or "kill",
                    action="contained",
                    name=name,
                    actor=actor,
                    detail={**report.model_dump(mode="json"), "contained": report.contained},
                )
            ]
        )
    except Exception as exc:  # noqa: BLE001 - the kill is done; the report says it is unrecorded
        failed = f"the ledger did not record this report: {type(exc).__name__}: {exc}"
        report = report.model_copy(update={"errors": [*report.errors, failed]})
    return report
