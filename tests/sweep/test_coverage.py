"""Coverage: executions in a supervised tree against gateway-decided calls, from a real ledger."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from watchkeeper.clock import utcnow
from watchkeeper.events import Decision, Event, ProcessEvent, ToolCall, ToolResult, VerdictEvent
from watchkeeper.ledger import SqliteLedger
from watchkeeper.sweep import CoverageConfig, CoverageReport, SessionEvents, assess_coverage

DEP = "builder"
SUP = "sup-1"
T0 = utcnow() - timedelta(minutes=10)


def call(
    command: str, at: float, *, tid: str, took: float | None, decision: Decision
) -> list[Event]:
    """A Bash call of the deployment, its verdict and (when it finished) its result."""
    c = ToolCall(
        deployment_id=DEP,
        session_id="agent-session",
        tool="Bash",
        args={"command": command},
        tool_use_id=tid,
        ts=T0 + timedelta(seconds=at),
    )
    events: list[Event] = [
        c,
        VerdictEvent(
            deployment_id=DEP,
            session_id="agent-session",
            call_id=c.id,
            decision=decision,
            ts=c.ts,
        ),
    ]
    if took is not None:
        events.append(
            ToolResult(
                deployment_id=DEP,
                session_id="agent-session",
                tool_use_id=tid,
                ts=c.ts + timedelta(seconds=took),
            )
        )
    return events


def execd(pid: int, ppid: int, at: float, *argv: str) -> ProcessEvent:
    """A process start in the supervised session."""
    when = T0 + timedelta(seconds=at)
    return ProcessEvent(
        deployment_id=DEP,
        session_id=SUP,
        phase="start",
        pid=pid,
        ppid=ppid,
        argv=argv,
        start_time=when.timestamp(),
        ts=when,
    )


def coverage(
    tmp_path: Path, events: list[Event], config: CoverageConfig | None = None
) -> CoverageReport:
    """Write `events` to a real ledger, read them back, and assess the session."""
    path = tmp_path / "ledger.db"
    with SqliteLedger(path) as ledger:
        ledger.append(events)
    processes, calls = SessionEvents(path).read(
        session_id=SUP, deployment=DEP, since=T0 - timedelta(seconds=5), until=utcnow()
    )
    return assess_coverage(
        session_id=SUP,
        deployment=DEP,
        root_pid=100,
        processes=processes,
        calls=calls,
        config=config or CoverageConfig(),
    )


def classes(report: CoverageReport) -> dict[int, str]:
    return {e.pid: e.cls for e in report.executions}


def test_every_exec_of_a_decided_call_is_covered(tmp_path: Path) -> None:
    """The agent, its shell, the call's commands and their children are all accounted for."""
    report = coverage(
        tmp_path,
        [
            *call("pytest -q tests && ls -la", 1, tid="t1", took=10, decision=Decision.ALLOW),
            execd(100, 1, 0, "claude"),
            execd(101, 100, 1.5, "bash", "-c", "pytest -q tests && ls -la"),
            execd(102, 101, 1.6, "/usr/bin/python3", "/venv/bin/pytest", "-q", "tests"),
            execd(103, 102, 2.0, "/usr/bin/python3", "-c", "worker"),
            execd(104, 101, 9.0, "ls", "-la"),
        ],
    )
    assert classes(report) == {100: "root", 101: "allowed", 102: "call", 103: "child", 104: "call"}
    assert report.coverage == 1.0
    assert report.hooked


def test_exec_with_no_call_is_unmonitored(tmp_path: Path) -> None:
    """A command nobody asked the gateway about lowers coverage and is listed."""
    report = coverage(
        tmp_path,
        [
            *call("ls", 1, tid="t1", took=1, decision=Decision.ALLOW),
            execd(100, 1, 0, "claude"),
            execd(104, 100, 1.5, "ls"),
            execd(105, 100, 20, "curl", "-s", "http://x.example/p.sh"),
        ],
    )
    assert [e.pid for e in report.unmonitored] == [105]
    assert report.coverage == pytest.approx(2 / 3)


def test_child_spawned_after_the_call_ended_is_unmonitored(tmp_path: Path) -> None:
    """A daemon left behind by a call is not covered once the call has returned."""
    report = coverage(
        tmp_path,
        [
            *call("python3 serve.py", 1, tid="t1", took=2, decision=Decision.ALLOW),
            execd(100, 1, 0, "claude"),
            execd(102, 100, 1.5, "python3", "serve.py"),
            execd(106, 102, 60, "nc", "-l", "4444"),
        ],
    )
    assert classes(report) == {100: "root", 102: "call", 106: "unmonitored"}


def test_a_process_seen_without_its_argv_belongs_to_its_parent_call(tmp_path: Path) -> None:
    """A child that exited before its command line could be read is covered by its parent's
    call while that call runs, and is unmonitored otherwise."""
    report = coverage(
        tmp_path,
        [
            *call("make build", 1, tid="t1", took=5, decision=Decision.ALLOW),
            execd(100, 1, 0, "claude"),
            execd(102, 100, 1.5, "make", "build"),
            execd(107, 102, 2.0),
            execd(108, 100, 30.0),
        ],
    )
    assert classes(report) == {100: "root", 102: "call", 107: "child", 108: "unmonitored"}


def test_denied_call_covers_nothing(tmp_path: Path) -> None:
    """Running what the gateway denied is unmonitored."""
    report = coverage(
        tmp_path,
        [
            *call("rm -rf /data", 1, tid="t1", took=0.1, decision=Decision.DENY),
            execd(100, 1, 0, "claude"),
            execd(107, 100, 1.2, "rm", "-rf", "/data"),
        ],
    )
    assert classes(report)[107] == "unmonitored"


def test_arguments_must_match_not_only_the_name(tmp_path: Path) -> None:
    """`ls /etc` does not cover `ls /root/.ssh`."""
    report = coverage(
        tmp_path,
        [
            *call("ls /etc", 1, tid="t1", took=5, decision=Decision.ALLOW),
            execd(100, 1, 0, "claude"),
            execd(108, 100, 1.5, "ls", "/root/.ssh"),
        ],
    )
    assert classes(report)[108] == "unmonitored"


def test_wrappers_and_globs_are_covered(tmp_path: Path) -> None:
    """`sudo` runs as its own process; a glob word is not required literally."""
    report = coverage(
        tmp_path,
        [
            *call("sudo rm -f *.tmp", 1, tid="t1", took=5, decision=Decision.ALLOW),
            execd(100, 1, 0, "claude"),
            execd(109, 100, 1.5, "sudo", "rm", "-f", "a.tmp"),
            execd(110, 109, 1.6, "rm", "-f", "a.tmp", "b.tmp"),
        ],
    )
    assert classes(report) == {100: "root", 109: "call", 110: "call"}


def test_exec_outside_the_call_window_is_unmonitored(tmp_path: Path) -> None:
    """The same command run again long after the call returned is not covered by it."""
    report = coverage(
        tmp_path,
        [
            *call("make build", 1, tid="t1", took=3, decision=Decision.ALLOW),
            execd(100, 1, 0, "claude"),
            execd(111, 100, 120, "make", "build"),
        ],
    )
    assert classes(report)[111] == "unmonitored"


def test_session_without_calls_or_hooked_agent_is_not_hooked(tmp_path: Path) -> None:
    """A supervised program that never talks to the gateway gets a figure but no alert."""
    report = coverage(tmp_path, [execd(100, 1, 0, "my-batch-job"), execd(112, 100, 1, "ls")])
    assert not report.hooked
    assert report.coverage == 0.5


def test_calls_of_another_deployment_do_not_count(tmp_path: Path) -> None:
    """Only the session's own deployment's calls cover its executions."""
    other = ToolCall(
        deployment_id="other",
        session_id="x",
        tool="Bash",
        args={"command": "ls"},
        ts=T0 + timedelta(seconds=1),
    )
    verdict = VerdictEvent(
        deployment_id="other", session_id="x", call_id=other.id, decision=Decision.ALLOW
    )
    report = coverage(
        tmp_path, [other, verdict, execd(100, 1, 0, "claude"), execd(113, 100, 1.5, "ls")]
    )
    assert classes(report)[113] == "unmonitored"


def test_configured_tool_programs_cover_non_shell_tools(tmp_path: Path) -> None:
    """Claude Code's Grep runs `rg`; that is covered by the Grep call."""
    grep = ToolCall(
        deployment_id=DEP,
        session_id="a",
        tool="Grep",
        args={"pattern": "x"},
        ts=T0 + timedelta(seconds=1),
    )
    verdict = VerdictEvent(
        deployment_id=DEP, session_id="a", call_id=grep.id, decision=Decision.ALLOW
    )
    report = coverage(
        tmp_path, [grep, verdict, execd(100, 1, 0, "claude"), execd(114, 100, 1.5, "rg", "x")]
    )
    assert classes(report)[114] == "call"


def test_watchkeeper_hook_runs_need_no_call(tmp_path: Path) -> None:
    """Claude Code running watchkeeper's hook is not an unmonitored execution."""
    from watchkeeper.integrations.claude_code import hook_command

    hook = tuple(hook_command(url="http://127.0.0.1:8470").split()[1:])
    report = coverage(tmp_path, [execd(100, 1, 0, "claude"), execd(115, 100, 1, *hook)])
    assert classes(report)[115] == "allowed"
