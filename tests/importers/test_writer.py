"""The session writer records each event once, on either ledger backend."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tests.importers.conftest import TRANSCRIPTS, recorded
from watchkeeper.cli._app import build_app
from watchkeeper.events import Lifecycle, Message
from watchkeeper.importers import ParsedFile, import_file, read_claude_code, record_file
from watchkeeper.importers._identity import stable_id
from watchkeeper.importers._writer import import_marker
from watchkeeper.ledger import LedgerStore

SHORT = TRANSCRIPTS / "spotter" / "short.jsonl"


def parsed(*texts: str, digest: str = "d1") -> ParsedFile:
    """A one-session file whose messages have ids derived from their text."""
    events = [Message(id=stable_id("t", t), session_id="s", role="user", text=t) for t in texts]
    marker = import_marker(
        fmt="t", path=Path("f"), digest=digest, session_id="s", deployment_id="local"
    )
    return ParsedFile(list(events), [marker])


def test_marker_comes_first_and_only_with_new_events(ledger: LedgerStore) -> None:
    """The `imported` marker precedes the new events, and a re-import adds no second one."""
    record_file(ledger, Path("f"), "t", parsed("a", "b"))
    again = record_file(ledger, Path("f"), "t", parsed("a", "b", digest="d2"))
    events = recorded(ledger)
    assert isinstance(events[0], Lifecycle)
    assert [e.kind for e in events] == ["lifecycle", "message", "message"]
    assert (again.added, again.skipped) == (0, 2)


def test_repeated_ids_in_one_file_are_recorded_once(ledger: LedgerStore) -> None:
    """Two records of a file with the same id (a duplicated line) become one event."""
    result = record_file(ledger, Path("f"), "t", parsed("a", "a", "b"))
    assert (result.added, result.skipped) == (3, 1)
    assert [e.kind for e in recorded(ledger)] == ["lifecycle", "message", "message"]


def test_import_is_idempotent_and_the_ledger_verifies(ledger: LedgerStore, tmp_path: Path) -> None:
    """A second import of a file adds nothing, and `ledger verify` passes on the home's ledger."""
    first = import_file(ledger, "claude-code", SHORT)
    second = import_file(ledger, "claude-code", SHORT)
    assert (first.added, second.added) == (len(read_claude_code(SHORT).events) + 1, 0)
    ledger.close()
    result = CliRunner().invoke(build_app(), ["ledger", "verify", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "is intact" in result.output
