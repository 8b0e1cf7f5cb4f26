"""`watchkeeper serve` refuses to start on broken configuration, with a one-line error.

The refusal runs on each ledger backend (`tests/_backends.py`); the banner tests choose
`WATCHKEEPER_DB` themselves and open no ledger.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from watchkeeper.cli.serve import ledger_label

SERVE = [sys.executable, "-c", "from watchkeeper.cli.main import main; main()", "serve"]


@pytest.mark.usefixtures("ledger_backend")
def test_broken_monitors_config_stops_serve_with_one_line(tmp_path: Path) -> None:
    """A monitors.yaml that does not parse ends `serve` with exit 2 and one error line."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "monitors.yaml").write_text("monitors: [this is not a mapping\n")
    result = subprocess.run(
        [*SERVE, "--home", str(home), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr


def test_banner_names_the_postgres_ledger_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `WATCHKEEPER_DB` set, the banner names that database, never the password."""
    monkeypatch.setenv("WATCHKEEPER_DB", "postgresql://wk:s3cret@db.internal:5432/ledger")
    label = ledger_label(tmp_path)
    assert label == "postgresql://wk@db.internal:5432/ledger"


def test_banner_names_the_sqlite_file_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without `WATCHKEEPER_DB`, the banner names `<home>/ledger.db`."""
    monkeypatch.delenv("WATCHKEEPER_DB", raising=False)
    assert ledger_label(tmp_path) == str(tmp_path / "ledger.db")
