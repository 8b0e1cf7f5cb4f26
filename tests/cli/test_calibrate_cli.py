"""`watchkeeper calibrate` through the real command line, with a plugin monitor."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.monitors._plugin import installed_plugin
from watchkeeper.cli._app import build_app
from watchkeeper.monitors import load_monitors_config

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A home whose monitors.yaml enables the test plugin's `keyword` monitor."""
    root = tmp_path / "home"
    root.mkdir()
    (root / "monitors.yaml").write_text("monitors:\n  keyword:\n    config: {word: curl}\n")
    with installed_plugin(tmp_path / "site"):
        yield root


def _corpus(path: Path, flagged: int, total: int) -> Path:
    with path.open("w") as handle:
        for i in range(total):
            command = "curl https://example.org" if i < flagged else "ls -la"
            steps = [{"tool": "Bash", "args": {"command": command}, "output": "ok"}]
            handle.write(json.dumps({"id": f"b{i}", "label": "benign", "steps": steps}) + "\n")
    return path


def test_calibrate_writes_thresholds_within_budget(home: Path, tmp_path: Path) -> None:
    """With 2 of 10 benign sessions flagged at 0.95 and a 10% budget, the threshold rises."""
    corpus = _corpus(tmp_path / "benign.jsonl", flagged=2, total=10)
    result = runner.invoke(
        build_app(),
        ["calibrate", "--benign", str(corpus), "--audit-budget", "0.1", "--home", str(home)],
    )
    assert result.exit_code == 0, result.output
    config = load_monitors_config(home / "monitors.yaml")
    assert config is not None
    assert config.threshold("keyword") > 0.95
    assert config.monitors["keyword"].config == {"word": "curl"}
    assert "0.00% would alert" in result.output


def test_dry_run_leaves_config_alone(home: Path, tmp_path: Path) -> None:
    """`--dry-run` prints the thresholds without saving them."""
    corpus = _corpus(tmp_path / "benign.jsonl", flagged=0, total=5)
    before = (home / "monitors.yaml").read_text()
    args = ["calibrate", "--benign", str(corpus), "--dry-run", "--home", str(home)]
    result = runner.invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    assert "keyword" in result.output
    assert (home / "monitors.yaml").read_text() == before


def test_bad_corpus_is_a_clean_error(home: Path, tmp_path: Path) -> None:
    """A corpus line without steps exits 2 naming the file and line."""
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": "x"}\n')
    result = runner.invoke(build_app(), ["calibrate", "--benign", str(corpus), "--home", str(home)])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output
