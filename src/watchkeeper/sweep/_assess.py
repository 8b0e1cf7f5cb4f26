"""Deciding, for each process that looks like an agent or carries a marker, whether it is allowed.

A process is fine only when its `WATCHKEEPER_SESSION` names a live supervised session (not
ended, its supervisor still running, the process inside the session's cgroup) of an active
deployment. Anything else that matches a signature or carries a marker is a rogue deployment
candidate; a supervised session whose heartbeats stopped is a monitoring gap.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Protocol

from watchkeeper.events import Severity
from watchkeeper.supervise import ProcInfo
from watchkeeper.sweep._findings import MONITORING_GAP, ROGUE_DEPLOYMENT, Finding
from watchkeeper.sweep._signatures import Signature, SignatureMatch, is_watchkeeper, match_process

__all__ = [
    "DeploymentLike",
    "ProcessCheck",
    "SessionLike",
    "check_processes",
    "heartbeat_findings",
    "rogue_findings",
]

#: Deployment id filed on alerts for processes that carry no marker at all.
UNREGISTERED = "unregistered"
_MAX_ID = 200  # the longest deployment or session id an event may carry


class SessionLike(Protocol):
    """The parts of a supervised session (`watchkeeper.supervise.SupervisedSession`) used here."""

    @property
    def session_id(self) -> str: ...
    @property
    def deployment(self) -> str: ...
    @property
    def backend(self) -> str: ...
    @property
    def cgroups(self) -> Sequence[str]: ...
    @property
    def root_pid(self) -> int: ...
    @property
    def supervisor_pid(self) -> int: ...
    @property
    def started(self) -> datetime: ...
    @property
    def ended(self) -> datetime | None: ...
    @property
    def last_heartbeat(self) -> datetime: ...
    @property
    def heartbeat_interval_s(self) -> float: ...


class DeploymentLike(Protocol):
    """The part of a registered deployment used here."""

    def state(self, now: datetime) -> str: ...


@dataclass(frozen=True, slots=True)
class ProcessCheck:
    """The verdict on one process: `authorised` or not, and why in one sentence."""

    process: ProcInfo
    match: SignatureMatch | None
    authorised: bool
    reason: str

    def evidence(self) -> str:
        """The process's facts as one compact JSON object (for the alert)."""
        return json.dumps(self.detail(), sort_keys=True, separators=(",", ":"))

    def detail(self) -> dict[str, object]:
        """The process's facts and the verdict, for machine output."""
        p = self.process
        return {
            "pid": p.pid,
            "ppid": p.ppid,
            "uid": p.uid,
            "exe": p.exe,
            "argv": [word[:200] for word in p.argv[:32]],
            "start_time": round(p.start_time, 2),
            "marker": {"deployment": p.deployment, "session": p.session},
            "signature": None if self.match is None else self.match.signature,
            "matched_by": None if self.match is None else self.match.via,
            "renamed": bool(self.match and self.match.renamed),
            "authorised": self.authorised,
            "reason": self.reason,
        }


def check_processes(
    processes: Sequence[ProcInfo],
    *,
    signatures: Sequence[Signature],
    ignore: Sequence[str],
    sessions: Mapping[str, SessionLike],
    deployment: Callable[[str], DeploymentLike | None],
    alive: Callable[[int], bool],
    cgroups: Callable[[int], list[str] | None],
    now: datetime,
    self_pids: frozenset[int] = frozenset(),
) -> list[ProcessCheck]:
    """Return a check for every process that matches a signature or carries a marker.

    watchkeeper's own processes and `self_pids` are skipped. A process whose command line
    matches an `ignore` glob is skipped unless it carries a marker.
    """
    out: list[ProcessCheck] = []
    for process in processes:
        if process.pid in self_pids or is_watchkeeper(process):
            continue
        match = match_process(process, signatures)
        if not process.has_marker:
            if match is None or _ignored(process, ignore):
                continue
            out.append(ProcessCheck(process, match, False, _unmarked_reason(match)))
            continue
        reason = _marker_problem(
            process,
            sessions=sessions,
            deployment=deployment,
            alive=alive,
            cgroups=cgroups,
            now=now,
        )
        out.append(ProcessCheck(process, match, reason is None, reason or "supervised"))
    return out


def _ignored(process: ProcInfo, ignore: Sequence[str]) -> bool:
    line = " ".join(process.argv)
    return any(fnmatchcase(line, pattern) for pattern in ignore)


def _unmarked_reason(match: SignatureMatch) -> str:
    text = f"looks like {match.kind} `{match.signature}` ({match.via}) and is not supervised"
    return text + ("; its argv[0] does not name its executable" if match.renamed else "")


def _marker_problem(
    process: ProcInfo,
    *,
    sessions: Mapping[str, SessionLike],
    deployment: Callable[[str], DeploymentLike | None],
    alive: Callable[[int], bool],
    cgroups: Callable[[int], list[str] | None],
    now: datetime,
) -> str | None:
    """Return why a marked process is not supervised and authorised, or None when it is."""
    marked = process.session
    session = sessions.get(marked) if marked is not None else None
    if session is None:
        return (
            f"its marker names session `{marked}`, which is not supervised here"
            if marked is not None
            else "it carries a deployment marker but no session marker"
        )
    if process.deployment is not None and process.deployment != session.deployment:
        return (
            f"its marker names deployment `{process.deployment}` but session `{marked}` "
            f"belongs to `{session.deployment}`"
        )
    if session.ended is not None:
        return f"it outlived session `{marked}`, which ended at {session.ended.isoformat()}"
    if not alive(session.supervisor_pid):
        return f"the supervisor of session `{marked}` (pid {session.supervisor_pid}) is gone"
    found = deployment(session.deployment)
    if found is None:
        return f"deployment `{session.deployment}` is not registered"
    state = found.state(now)
    if state != "active":
        return f"deployment `{session.deployment}` is {state}"
    if session.backend in ("cgroup2", "cgroup1") and session.cgroups:
        inside = cgroups(process.pid)
        if inside is not None and not _within(inside, session):
            return f"it escaped the cgroup of session `{marked}`"
    return None


def _within(lines: list[str], session: SessionLike) -> bool:
    """True when a `/proc/PID/cgroup` path lies in (or under) one of the session's cgroups."""
    wanted = {_relative(path) for path in session.cgroups}
    for line in lines:
        path = line.split(":", 2)[-1].rstrip("/")
        if any(path == w or path.startswith(w + "/") for w in wanted):
            return True
    return False


def _relative(path: str) -> str:
    """`/sys/fs/cgroup/freezer/watchkeeper/d/s` → `/watchkeeper/d/s`."""
    marker = path.find("/watchkeeper/")
    return (path[marker:] if marker >= 0 else path).rstrip("/")


def rogue_findings(checks: Sequence[ProcessCheck]) -> list[Finding]:
    """Findings for the unauthorised processes: one per marked session, one per unmarked process.

    The processes of one marked (deployment, session) share a finding whose evidence lists
    each of them, so fifty escapees of one session are one alert, not fifty repeats.
    """
    groups: dict[tuple[str, str], list[ProcessCheck]] = {}
    for check in checks:
        if check.authorised:
            continue
        p = check.process
        marked = p.session or f"deployment-{p.deployment}"
        session = marked if p.has_marker else f"proc-{p.key}"
        key = ((p.deployment or UNREGISTERED)[:_MAX_ID], session[:_MAX_ID])
        groups.setdefault(key, []).append(check)
    return [_rogue(deployment, session, group) for (deployment, session), group in groups.items()]


def _rogue(deployment: str, session: str, group: list[ProcessCheck]) -> Finding:
    first = group[0]
    p = first.process
    marked = p.has_marker
    renamed = any(c.match is not None and c.match.renamed for c in group)
    severity = Severity.CRITICAL if marked else Severity.HIGH if renamed else Severity.MEDIUM
    more = f" and {len(group) - 1} more process{'es' if len(group) > 2 else ''}"
    return Finding(
        category=ROGUE_DEPLOYMENT,
        deployment_id=deployment,
        session_id=session,
        severity=severity,
        score=1.0 if marked else 0.9 if renamed else 0.7,
        explanation=f"rogue deployment candidate: pid {p.pid} "
        f"(`{' '.join(p.argv)[:200]}`, uid {p.uid}){more if len(group) > 1 else ''}: "
        f"{first.reason}",
        evidence=tuple(c.evidence() for c in group),
        detail={"processes": [c.detail() for c in group]},
    )


def heartbeat_findings(
    sessions: Sequence[SessionLike], *, now: datetime, factor: float
) -> list[Finding]:
    """A monitoring gap for each running session whose heartbeat is `factor` intervals late."""
    out: list[Finding] = []
    for session in sessions:
        if session.ended is not None:
            continue
        age = (now - session.last_heartbeat).total_seconds()
        limit = factor * session.heartbeat_interval_s
        if age <= limit:
            continue
        detail = {
            "session": session.session_id,
            "deployment": session.deployment,
            "last_heartbeat": session.last_heartbeat.isoformat(),
            "age_s": round(age, 1),
            "interval_s": session.heartbeat_interval_s,
            "supervisor_pid": session.supervisor_pid,
        }
        out.append(
            Finding(
                category=MONITORING_GAP,
                deployment_id=session.deployment,
                session_id=session.session_id,
                severity=Severity.HIGH,
                score=0.8,
                explanation=f"monitoring gap: session `{session.session_id}` has sent no "
                f"heartbeat for {age:.0f} s (more than {factor:g} times its "
                f"{session.heartbeat_interval_s:g} s interval)",
                evidence=(json.dumps(detail, sort_keys=True, separators=(",", ":")),),
                detail=detail,
            )
        )
    return out
