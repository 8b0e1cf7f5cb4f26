"""Coverage: does every execution in a supervised tree correspond to a gateway-decided call?

Each `process` start of a session is put in one class, checked in this order:

- ``root``: the session's own root process (the agent);
- ``allowed``: a program that needs no call of its own (shells, the agent's binaries,
  watchkeeper's hook — `coverage.allow` / `coverage.allow_argv`);
- ``call``: it runs one of the simple commands (or their wrappers) of an allowed tool call of
  the same deployment, while that call was running (from `skew` s before the call until its
  result, plus `skew`; `window` s when no result was recorded or the call ran in background);
- ``child``: its parent was a ``call`` or ``child`` execution and that call was still running;
- ``unmonitored``: none of these — something ran that no decided call accounts for.

Coverage is (total - unmonitored) / total.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Literal

from watchkeeper.events import (
    Decision,
    Event,
    ProcessEvent,
    Severity,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.normalize import Normalizer
from watchkeeper.sweep._config import CoverageConfig
from watchkeeper.sweep._findings import UNMONITORED_EXECUTION, Finding
from watchkeeper.sweep._program import Program, describe, program_name
from watchkeeper.sweep._signatures import runs_watchkeeper

__all__ = [
    "CoverageReport",
    "Execution",
    "assess_coverage",
    "coverage_finding",
]

ExecClass = Literal["root", "allowed", "call", "child", "unmonitored"]
_GLOB = frozenset("*?[$`")


@dataclass(frozen=True, slots=True)
class Execution:
    """One process start of the session and how it was accounted for."""

    event_id: str
    pid: int
    ppid: int | None
    argv: tuple[str, ...]
    at: float
    cls: ExecClass
    call_id: str | None = None


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """The coverage figure of one supervised session.

    `hooked` says whether the session's agent reports its calls to the gateway (it made at
    least one call, or its root program is one of `coverage.hooked_agents`); unmonitored
    executions are alerted on only for hooked sessions.
    """

    session_id: str
    deployment: str
    executions: tuple[Execution, ...]
    calls: int
    hooked: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many executions the session had."""
        return len(self.executions)

    @property
    def unmonitored(self) -> tuple[Execution, ...]:
        """The executions no decided call accounts for."""
        return tuple(e for e in self.executions if e.cls == "unmonitored")

    @property
    def coverage(self) -> float | None:
        """(total - unmonitored) / total, or None when nothing was executed."""
        if not self.executions:
            return None
        return (self.total - len(self.unmonitored)) / self.total

    def as_json(self) -> dict[str, object]:
        """The report as plain JSON values."""
        return {
            "session": self.session_id,
            "deployment": self.deployment,
            "total": self.total,
            "coverage": self.coverage,
            "calls": self.calls,
            "hooked": self.hooked,
            "counts": {cls: self.counts.get(cls, 0) for cls in _CLASSES},
            "unmonitored": [_exec_json(e) for e in self.unmonitored],
        }


_CLASSES: tuple[ExecClass, ...] = ("root", "allowed", "call", "child", "unmonitored")


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Call:
    call_id: str
    start: float
    end: float
    specs: tuple[_Spec, ...]


def assess_coverage(
    *,
    session_id: str,
    deployment: str,
    root_pid: int,
    processes: Iterable[Event],
    calls: Iterable[Event],
    config: CoverageConfig,
    normalizer: Normalizer | None = None,
) -> CoverageReport:
    """Classify every process start in `processes` against the decided calls in `calls`.

    Pass the same `normalizer` to repeated assessments: it caches parsed commands.
    """
    starts = sorted(
        (e for e in processes if isinstance(e, ProcessEvent) and e.phase == "start"),
        key=_when,
    )
    windows = _call_windows(list(calls), config, normalizer or Normalizer())
    index = _CallIndex(windows)
    done: list[Execution] = []
    by_pid: dict[int, list[Execution]] = {}
    for event in starts:
        execution = _classify(event, root_pid, index, by_pid, config)
        done.append(execution)
        by_pid.setdefault(execution.pid, []).append(execution)
    counts: dict[str, int] = {}
    for execution in done:
        counts[execution.cls] = counts.get(execution.cls, 0) + 1
    root = next((e for e in done if e.pid == root_pid), None)
    hooked = bool(windows) or (
        root is not None and bool(describe(root.argv).names & set(config.hooked_agents))
    )
    return CoverageReport(session_id, deployment, tuple(done), len(windows), hooked, counts)


def _when(event: ProcessEvent) -> float:
    """When the process started: `start_time` (seconds since the epoch), else its event's time."""
    return event.start_time if event.start_time is not None else event.ts.timestamp()


class _CallIndex:
    """The decided calls' commands by program name, each list ordered by the call's start."""

    def __init__(self, windows: Sequence[_Call]) -> None:
        self._by_id = {c.call_id: c for c in windows}
        self._span = max((c.end - c.start for c in windows), default=0.0)
        self._by_name: dict[str, list[tuple[float, _Call, _Spec]]] = {}
        for call in windows:
            for spec in call.specs:
                self._by_name.setdefault(spec.name, []).append((call.start, call, spec))
        for entries in self._by_name.values():
            entries.sort(key=lambda entry: entry[0])
        self._starts = {name: [e[0] for e in entries] for name, entries in self._by_name.items()}

    def get(self, call_id: str) -> _Call | None:
        return self._by_id.get(call_id)

    def covering(self, names: Iterable[str], words: set[str], at: float) -> _Call | None:
        """The latest call running at `at` with a command of one of `names` using `words`."""
        best: _Call | None = None
        for name in names:
            entries = self._by_name.get(name)
            if not entries:
                continue
            position = bisect_right(self._starts[name], at) - 1
            while position >= 0 and entries[position][0] >= at - self._span:
                start, call, spec = entries[position]
                position -= 1
                if at > call.end or not all(word in words for word in spec.words):
                    continue
                if best is None or start > best.start:
                    best = call
                break
        return best


def _classify(
    event: ProcessEvent,
    root_pid: int,
    index: _CallIndex,
    by_pid: dict[int, list[Execution]],
    config: CoverageConfig,
) -> Execution:
    at = _when(event)

    def made(cls: ExecClass, call_id: str | None = None) -> Execution:
        return Execution(event.id, event.pid, event.ppid, event.argv, at, cls, call_id)

    if event.pid == root_pid:
        return made("root")
    if event.argv:  # empty: it exited before its command line could be read
        program = describe(event.argv)
        if _allowed(program, event.argv, config):
            return made("allowed")
        names = program.names | {program_name(event.argv[0])}
        call = index.covering(names, set(event.argv[1:]), at)
        if call is not None:
            return made("call", call.call_id)
    parent = _parent(by_pid, event.ppid, at)
    if parent is not None and parent.cls in ("call", "child") and parent.call_id is not None:
        owner = index.get(parent.call_id)
        if owner is not None and at <= owner.end:
            return made("child", owner.call_id)
    return made("unmonitored")


def _allowed(program: Program, argv: Sequence[str], config: CoverageConfig) -> bool:
    if program.name in config.allow or program.module in config.allow:
        return True
    if "watchkeeper" in config.allow and runs_watchkeeper(program):
        return True
    line = " ".join(argv)
    return any(fnmatchcase(line, pattern) for pattern in config.allow_argv)


def _parent(by_pid: dict[int, list[Execution]], ppid: int | None, at: float) -> Execution | None:
    if ppid is None:
        return None
    earlier = [e for e in by_pid.get(ppid, []) if e.at <= at]
    return earlier[-1] if earlier else None


def _call_windows(
    events: list[Event], config: CoverageConfig, normalizer: Normalizer
) -> list[_Call]:
    denied = {
        e.call_id for e in events if isinstance(e, VerdictEvent) and e.decision == Decision.DENY
    }
    decided = {e.call_id for e in events if isinstance(e, VerdictEvent)}
    results = {
        e.tool_use_id: e.ts.timestamp()
        for e in events
        if isinstance(e, ToolResult) and e.tool_use_id is not None
    }
    out: list[_Call] = []
    for event in events:
        if not isinstance(event, ToolCall) or event.id in denied or event.id not in decided:
            continue
        specs = _specs(event, normalizer, config)
        if not specs:
            continue
        start = event.ts.timestamp() - config.skew
        finished = results.get(event.tool_use_id) if event.tool_use_id else None
        background = bool(event.args.get("run_in_background"))
        if finished is None or background:
            end = start + config.skew + config.window
        else:
            end = finished + config.skew
        out.append(_Call(event.id, start, end, specs))
    return out


def _specs(call: ToolCall, normalizer: Normalizer, config: CoverageConfig) -> tuple[_Spec, ...]:
    if call.tool in config.tool_programs:
        return tuple(_Spec(name, ()) for name in config.tool_programs[call.tool])
    if call.tool not in config.shell_tools:
        return ()
    action = normalizer.tool_call(call)
    specs: list[_Spec] = []
    for command in action.commands:
        words = tuple(w for w in command.argv[1:] if not (_GLOB & set(w)))
        specs.append(_Spec(command.name, words))
        specs.extend(_Spec(wrapper.split()[0], ()) for wrapper in command.wrappers if wrapper)
    return tuple(specs)


def _exec_json(execution: Execution) -> dict[str, object]:
    return {
        "event": execution.event_id,
        "pid": execution.pid,
        "ppid": execution.ppid,
        "argv": list(execution.argv)[:32],
        "at": datetime.fromtimestamp(execution.at, UTC).isoformat(),
    }


def coverage_finding(report: CoverageReport, new: Sequence[Execution]) -> Finding | None:
    """An `unmonitored-execution` finding for the executions in `new`, or None."""
    if not new or not report.hooked:
        return None
    shown = ", ".join(f"`{' '.join(e.argv)[:80]}` (pid {e.pid})" for e in new[:3])
    more = f" and {len(new) - 3} more" if len(new) > 3 else ""
    return Finding(
        category=UNMONITORED_EXECUTION,
        deployment_id=report.deployment,
        session_id=report.session_id,
        severity=Severity.HIGH,
        score=0.8,
        explanation=f"unmonitored execution: {shown}{more} ran in session "
        f"`{report.session_id}` with no gateway-decided call accounting for it",
        evidence=tuple(
            json.dumps(_exec_json(e), sort_keys=True, separators=(",", ":")) for e in new
        ),
        detail=report.as_json(),
    )
