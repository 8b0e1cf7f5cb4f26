"""`watchkeeper alerts list|show|ack|confirm|dismiss` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.alerts import AlertStatus, AlertStore
from watchkeeper.cli._app import build_app
from watchkeeper.events import Lifecycle, Severity
from watchkeeper.ledger import open_ledger

runner = CliRunner()


# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with two alerts: a high one in session s1 and a low one in s2."""
    with AlertStore(tmp_path / "alerts.db") as store:
        for session, severity in (("s1", Severity.HIGH), ("s2", Severity.LOW)):
            store.raise_alert(
                deployment_id="d",
                session_id=session,
                monitor="rogue-precursors",
                category="persistence",
                severity=severity,
                score=0.9,
                evidence=["e1"],
                explanation="crontab edited",
            )
    return tmp_path


def _run(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(build_app(), ["alerts", *args, "--home", str(home)])
    return result.exit_code, result.output


def test_list_json_filters_by_severity(home: Path) -> None:
    """`alerts list --severity high --json` prints only alerts at or above high."""
    code, output = _run(home, "list", "--severity", "high", "--json")
    rows = [json.loads(line) for line in output.splitlines()]
    assert code == 0
    assert [(r["session"], r["severity"]) for r in rows] == [("s1", "high")]


def test_list_table_shows_alerts(home: Path) -> None:
    """The table lists every alert with its session."""
    code, output = _run(home, "list")
    assert code == 0
    assert "s1" in output
    assert "s2" in output


def test_show_prints_the_alert(home: Path) -> None:
    """`alerts show ID` prints the full alert as JSON."""
    code, output = _run(home, "show", "1")
    assert code == 0
    assert json.loads(output)["explanation"] == "crontab edited"


def test_show_unknown_id_fails(home: Path) -> None:
    """An unknown id exits 1 with a one-line error."""
    code, output = _run(home, "show", "42")
    assert code == 1
    assert "alert `42` does not exist" in output


def test_dismiss_sets_status_and_audits_in_ledger(home: Path) -> None:
    """Dismissing stores the note and records an `alert-status` lifecycle event."""
    code, _ = _run(home, "dismiss", "1", "--note", "expected nightly job")
    assert code == 0
    with AlertStore(home / "alerts.db") as store:
        alert = store.get(1)
    assert (alert.status, alert.note) == (AlertStatus.DISMISSED, "expected nightly job")
    with open_ledger(home) as ledger:
        (event,) = [e for _s, e in ledger.events() if isinstance(e, Lifecycle)]
    assert event.phase == "alert-status"
    assert (event.detail["from"], event.detail["to"]) == ("open", "dismissed")


def test_dismiss_requires_a_note(home: Path) -> None:
    """A dismissal without a note is refused."""
    code, _ = _run(home, "dismiss", "1")
    assert code == 2


def test_ack_then_confirm(home: Path) -> None:
    """`ack` and `confirm` move the alert through review."""
    assert _run(home, "ack", "2", "--assignee", "sam")[0] == 0
    code, output = _run(home, "confirm", "2")
    assert code == 0
    assert "acknowledged → confirmed" in output
    with AlertStore(home / "alerts.db") as store:
        assert store.get(2).assignee == "sam"
