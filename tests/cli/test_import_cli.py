"""`watchkeeper import claude-code|inspect|trajectory` through the real command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from watchkeeper.cli._app import build_app
from watchkeeper.ledger import ledger_source

FORMATS = Path(__file__).parents[2] / ".." / "shared" / "formats"
runner = CliRunner()


# Each test runs on both ledger backends (`tests/_backends.py`).
pytestmark = pytest.mark.usefixtures("ledger_backend")


def invoke(*args: str) -> tuple[int, str, str]:
    """Run the full CLI with `args`; return its exit code, stdout and stderr."""
    result = runner.invoke(build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_claude_code_directory_imports_then_verifies(tmp_path: Path) -> None:
    """A directory of transcripts imports, and the ledger verifies afterwards."""
    code, out, _ = invoke(
        "import", "claude-code", str(FORMATS / "claude_code_transcripts"), "--home", str(tmp_path)
    )
    assert code == 0, out
    assert "6 of 6 files imported" in out
    code, out, _ = invoke("ledger", "verify", "--home", str(tmp_path))
    assert code == 0, out
    assert "is intact" in out


def test_second_import_reports_nothing_added(tmp_path: Path) -> None:
    """Importing the same logs again says every event was already recorded."""
    args = ("import", "inspect", str(FORMATS / "inspect_ai"), "--home", str(tmp_path))
    assert invoke(*args)[0] == 0
    code, out, _ = invoke(*args)
    assert code == 0
    assert "0 events added" in out


def test_bad_file_fails_with_its_line_and_others_import(tmp_path: Path) -> None:
    """A bad file is named with its line and exits 1; the good file beside it is imported."""
    bad = tmp_path / "transcript.jsonl"
    bad.write_text('{"type": "summary", "summary": "s"}\n{oops\n', encoding="utf-8")
    good = FORMATS / "claude_code_transcripts" / "spotter" / "short.jsonl"
    home = tmp_path / "home"
    code, out, err = invoke("import", "claude-code", str(bad), str(good), "--home", str(home))
    assert code == 1
    assert "error: `" in err
    assert "transcript.jsonl` line 2: not valid JSON" in err
    assert "1 of 2 files imported" in out


def test_missing_path_is_refused(tmp_path: Path) -> None:
    """A path that does not exist stops the import before anything is recorded."""
    code, _, err = invoke(
        "import", "trajectory", str(tmp_path / "nope.jsonl"), "--home", str(tmp_path)
    )
    assert code == 2
    assert "nope.jsonl`: does not exist" in err


def test_deployment_option_is_used(tmp_path: Path) -> None:
    """`--deployment` names the deployment every imported event is recorded under."""
    corpus = Path(__file__).parents[2] / "src" / "watchkeeper" / "evals" / "corpus" / "coding.jsonl"
    code, out, _ = invoke(
        "import", "trajectory", str(corpus), "--deployment", "corpus", "--home", str(tmp_path)
    )
    assert code == 0, out
    assert "128 session(s)" in out
    deployments = {event.deployment_id for _, event in ledger_source(tmp_path).events()}
    assert deployments == {"corpus"}
