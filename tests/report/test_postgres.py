"""The report reads a PostgreSQL ledger (`$WATCHKEEPER_DB`) as it reads `<home>/ledger.db`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from watchkeeper.clock import utcnow
from watchkeeper.events import Decision, VerdictEvent
from watchkeeper.ledger import DB_ENV
from watchkeeper.report import build_report

from ._seed import ALPHA, seed_home
from .conftest import PERIOD
from .test_page import _key_figures


def test_denial_rate_is_counted_from_a_postgres_ledger(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A home whose ledger is in PostgreSQL reports the denial rate of the verdicts stored there."""
    monkeypatch.setenv(DB_ENV, postgres_url)
    end = utcnow() + timedelta(seconds=1)
    events = seed_home(tmp_path, end)
    html = build_report(tmp_path, period=PERIOD, end=end)
    verdicts = [e for e in events if isinstance(e, VerdictEvent) and e.deployment_id == ALPHA]
    denied = sum(v.decision is Decision.DENY for v in verdicts)
    assert not (tmp_path / "ledger.db").exists()
    assert _key_figures(html, ALPHA)["denial_rate"] == f"{denied * 100 / len(verdicts):.1f}%"
