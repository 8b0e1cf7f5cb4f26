"""Reading a session's process events and its deployment's calls, incrementally."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from watchkeeper.clock import utcnow
from watchkeeper.events import Lifecycle, ProcessEvent, ToolCall
from watchkeeper.ledger import SqliteLedger
from watchkeeper.sweep._ledger_window import SessionEvents

NOW = utcnow()


def _call(deployment: str, minutes_ago: float) -> ToolCall:
    return ToolCall(
        deployment_id=deployment,
        session_id="agent",
        tool="Bash",
        args={"command": "ls"},
        ts=NOW - timedelta(minutes=minutes_ago),
    )


def _exec(session: str, pid: int) -> ProcessEvent:
    return ProcessEvent(deployment_id="d", session_id=session, phase="start", pid=pid)


def test_reads_the_session_and_the_deployment_window(tmp_path: Path) -> None:
    """Only this session's processes and this deployment's calls since it started are read."""
    path = tmp_path / "ledger.db"
    early, inside, other = _call("d", 120), _call("d", 5), _call("e", 5)
    with SqliteLedger(path) as ledger:
        ledger.append([early, Lifecycle(session_id="x", phase="p"), inside, other])
        ledger.append([_exec("s", 1), _exec("t", 2)])
    processes, calls = SessionEvents(path).read(
        session_id="s", deployment="d", since=NOW - timedelta(minutes=60), until=NOW
    )
    assert [e.pid for e in processes if isinstance(e, ProcessEvent)] == [1]
    assert [c.id for c in calls] == [inside.id]


def test_second_read_adds_only_what_was_appended(tmp_path: Path) -> None:
    """A cached reader picks up new records and keeps the ones it had."""
    path = tmp_path / "ledger.db"
    events = SessionEvents(path)
    window = {"session_id": "s", "deployment": "d", "since": NOW - timedelta(hours=1)}
    with SqliteLedger(path) as ledger:
        ledger.append([_exec("s", 1), _call("d", 1)])
        first = events.read(**window, until=utcnow())
        ledger.append([_exec("s", 2), _call("d", 0)])
        second = events.read(**window, until=utcnow())
    assert (len(first[0]), len(first[1])) == (1, 1)
    assert (len(second[0]), len(second[1])) == (2, 2)


def test_missing_ledger_reads_nothing(tmp_path: Path) -> None:
    """No ledger yet: no events, no error."""
    events = SessionEvents(tmp_path / "ledger.db")
    assert events.read(session_id="s", deployment="d", since=NOW, until=NOW) == ([], [])
