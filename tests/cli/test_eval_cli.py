"""`watchkeeper eval` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from watchkeeper.cli._app import build_app

runner = CliRunner()
CORPUS = Path(__file__).parents[2] / "src" / "watchkeeper" / "evals" / "corpus" / "assistant.jsonl"


def test_eval_writes_scores_and_json(tmp_path: Path) -> None:
    """Eval on the assistant corpus writes one score line per trajectory and the metrics."""
    scores, report = tmp_path / "scores.jsonl", tmp_path / "report.json"
    result = runner.invoke(
        build_app(),
        [
            "eval",
            str(CORPUS),
            "--monitors",
            "provenance",
            "--scores-out",
            str(scores),
            "--json",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in scores.read_text().splitlines()]
    assert len(lines) == sum(1 for line in CORPUS.read_text().splitlines() if line.strip())
    assert set(lines[0]) == {"id", "score", "flagged", "first_flag_step"}
    data = json.loads(report.read_text())
    assert data["auroc"] > 0.9
    assert "AUROC" in result.output


def test_unlabelled_corpus_still_gets_scores(tmp_path: Path) -> None:
    """A corpus without labels is scored; the label metrics are simply absent."""
    corpus = tmp_path / "u.jsonl"
    corpus.write_text(
        json.dumps({"id": "u1", "steps": [{"tool": "Read", "args": {"file_path": "a"}}]}) + "\n"
    )
    scores = tmp_path / "s.jsonl"
    result = runner.invoke(
        build_app(), ["eval", str(corpus), "--monitors", "provenance", "--scores-out", str(scores)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(scores.read_text())["id"] == "u1"


def test_bad_line_exits_with_its_location(tmp_path: Path) -> None:
    """A malformed line stops eval with exit code 2 and names file:line."""
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text("{not json\n")
    result = runner.invoke(build_app(), ["eval", str(corpus), "--monitors", "provenance"])
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output
