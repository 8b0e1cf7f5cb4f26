"""`SessionCoverage`: a supervised session's coverage from the ledger, on both backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests._backends import LedgerBackend
from tests.sweep.conftest import exec_event, write_session
from watchkeeper.clock import utcnow
from watchkeeper.events import Decision, ProcessEvent, ToolCall, VerdictEvent
from watchkeeper.ledger import ledger_source, open_ledger
from watchkeeper.supervise import load_sessions
from watchkeeper.sweep import CoverageConfig, SessionCoverage


def _exec(pid: int, argv: tuple[str, ...], at_seconds: float) -> ProcessEvent:
    return exec_event("s-cov", "builder", pid, argv, utcnow() - timedelta(seconds=30 - at_seconds))


def test_coverage_follows_what_is_appended(tmp_path: Path, ledger_backend: LedgerBackend) -> None:
    """A decided call covers its exec; a later exec with no call lowers the figure next time."""
    del ledger_backend  # selected through the environment
    start = utcnow() - timedelta(seconds=30)
    write_session(tmp_path, "s-cov", "builder", root_pid=500, started=start)
    (session,) = load_sessions(tmp_path)
    call = ToolCall(
        deployment_id="builder", session_id="a", tool="Bash", args={"command": "ls"}, ts=start
    )
    verdict = VerdictEvent(
        deployment_id="builder", session_id="a", call_id=call.id, decision=Decision.ALLOW
    )
    coverage = SessionCoverage(ledger_source(tmp_path))
    with open_ledger(tmp_path) as ledger:
        ledger.append([call, verdict, _exec(500, ("claude",), 1), _exec(501, ("ls",), 1)])
        first = coverage.assess(session, CoverageConfig(), now=utcnow())
        ledger.append([_exec(502, ("curl", "x.sh"), 20)])
        second = coverage.assess(session, CoverageConfig(), now=utcnow())
    assert (first.total, first.coverage) == (2, 1.0)
    assert (second.total, [e.pid for e in second.unmonitored]) == (3, [502])
