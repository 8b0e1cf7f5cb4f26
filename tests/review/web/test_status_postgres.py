"""The overview's ledger card reads a PostgreSQL ledger (`$WATCHKEEPER_DB`) too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ledger.conftest import postgres_schema, postgres_server, postgres_url
from watchkeeper.events import ToolCall
from watchkeeper.ledger import DB_ENV, open_ledger
from watchkeeper.review.web import StatusCache

__all__ = ["postgres_schema", "postgres_server", "postgres_url"]


def test_verification_and_last_checkpoint_come_from_postgres(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status verifies the PostgreSQL ledger and shows its newest signed checkpoint."""
    monkeypatch.setenv(DB_ENV, postgres_url)
    with open_ledger(tmp_path, checkpoint_every=2) as ledger:
        ledger.append([ToolCall(session_id="s1", tool="Bash") for _ in range(5)])
    snapshot = StatusCache(tmp_path).refresh(verify=True)
    assert snapshot.verify is not None, snapshot.verify_error
    assert snapshot.verify.ok
    assert snapshot.verify.records_checked == 5
    assert snapshot.last_checkpoint is not None
    assert snapshot.last_checkpoint.seq == snapshot.verify.head_seq == 5
