"""The kill report's ledger checks read `$WATCHKEEPER_DB` as well as `<home>/ledger.db`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ledger.conftest import postgres_schema, postgres_server, postgres_url
from watchkeeper.clock import utcnow
from watchkeeper.contain._verify import accepted_calls_since, ledger_seq
from watchkeeper.events import Decision, ToolCall, VerdictEvent
from watchkeeper.ledger import DB_ENV, open_ledger

__all__ = ["postgres_schema", "postgres_server", "postgres_url"]


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """`$WATCHKEEPER_DB` unset (the home's file) or set to a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        monkeypatch.delenv(DB_ENV, raising=False)
    else:
        monkeypatch.setenv(DB_ENV, request.getfixturevalue("postgres_url"))
    return str(request.param)


def test_an_accepted_call_is_counted_on_either_backend(tmp_path: Path, ledger_env: str) -> None:
    """An allowed call after `since` counts and a denied one does not, on both backends."""
    with open_ledger(tmp_path) as ledger:
        ledger.append([ToolCall(deployment_id="bot", session_id="s1", tool="Bash")])
        seq = ledger_seq(tmp_path)
        since = utcnow()
        ledger.append(
            [
                ToolCall(deployment_id="bot", session_id="s1", tool="Bash"),
                VerdictEvent(
                    deployment_id="bot", session_id="s1", call_id="c", decision=Decision.DENY
                ),
            ]
        )
    assert seq == 1
    assert accepted_calls_since(tmp_path, seq, since, {"bot"}, set()) == 1
    assert not (tmp_path / "ledger.db").exists() or ledger_env == "sqlite"


def test_an_empty_ledger_has_head_zero(tmp_path: Path, ledger_env: str) -> None:
    """A ledger with nothing recorded (no file, or an empty schema) reports head 0."""
    assert ledger_seq(tmp_path) == 0
    assert accepted_calls_since(tmp_path, 0, utcnow(), {"bot"}, set()) == 0
