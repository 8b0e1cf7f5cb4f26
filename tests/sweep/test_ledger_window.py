"""Reading a session's process events and its deployment's calls, incrementally, on both
backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests._backends import LedgerBackend
from watchkeeper.clock import utcnow
from watchkeeper.events import Event, Lifecycle, ProcessEvent, ToolCall
from watchkeeper.ledger import LedgerSource, ledger_source, open_ledger
from watchkeeper.sweep import SessionEvents

NOW = utcnow()


@pytest.fixture
def source(tmp_path: Path, ledger_backend: LedgerBackend) -> LedgerSource:
    """The ledger of `tmp_path` as a sweep reads it (`$WATCHKEEPER_DB` or the home's file)."""
    del ledger_backend  # selects the backend through the environment
    return ledger_source(tmp_path)


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


def test_reads_the_session_and_the_deployment_window(tmp_path: Path, source: LedgerSource) -> None:
    """Only this session's processes and this deployment's calls since it started are read."""
    early, inside, other = _call("d", 120), _call("d", 5), _call("e", 5)
    with open_ledger(tmp_path) as ledger:
        ledger.append([early, Lifecycle(session_id="x", phase="p"), inside, other])
        ledger.append([_exec("s", 1), _exec("t", 2)])
    processes, calls = SessionEvents(source).read(
        session_id="s", deployment="d", since=NOW - timedelta(minutes=60), until=NOW
    )
    assert [e.pid for e in processes if isinstance(e, ProcessEvent)] == [1]
    assert [c.id for c in calls] == [inside.id]


def test_second_read_adds_only_what_was_appended(tmp_path: Path, source: LedgerSource) -> None:
    """A cached reader picks up new records and keeps the ones it had."""
    events = SessionEvents(source)

    def read() -> tuple[list[Event], list[Event]]:
        return events.read(
            session_id="s", deployment="d", since=NOW - timedelta(hours=1), until=utcnow()
        )

    with open_ledger(tmp_path) as ledger:
        ledger.append([_exec("s", 1), _call("d", 1)])
        first = read()
        ledger.append([_exec("s", 2), _call("d", 0)])
        second = read()
    assert (len(first[0]), len(first[1])) == (1, 1)
    assert (len(second[0]), len(second[1])) == (2, 2)


def test_empty_ledger_reads_nothing(source: LedgerSource) -> None:
    """No ledger file yet, or an empty schema: no events, no error."""
    events = SessionEvents(source)
    assert events.read(session_id="s", deployment="d", since=NOW, until=NOW) == ([], [])


def test_a_path_is_read_as_a_sqlite_ledger(tmp_path: Path) -> None:
    """`SessionEvents(path)` reads the SQLite ledger file at `path`."""
    path = tmp_path / "elsewhere.db"
    with open_ledger(tmp_path, str(path)) as ledger:
        ledger.append([_exec("s", 1)])
    processes, _ = SessionEvents(path).read(session_id="s", deployment="d", since=NOW, until=NOW)
    assert [e.pid for e in processes if isinstance(e, ProcessEvent)] == [1]
