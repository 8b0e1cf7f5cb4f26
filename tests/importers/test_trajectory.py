"""Trajectory JSONL (the evaluation schema) imports as one ledger session per line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.importers.conftest import CORPUS, kinds, recorded, verifies
from watchkeeper.evals import load_trajectories
from watchkeeper.events import Lifecycle
from watchkeeper.importers import ImportFileError, import_file
from watchkeeper.ledger import LedgerStore

CODING = CORPUS / "coding.jsonl"


def test_corpus_imports_every_step(ledger: LedgerStore, tmp_path: Path) -> None:
    """Each trajectory of the coding corpus records its task, steps and final response."""
    trajectories = list(load_trajectories([CODING]))
    result = import_file(ledger, "trajectory", CODING)
    expected: Counter[str] = Counter()
    for t in trajectories:
        expected["message"] += bool(t.task) + bool(t.final_response)
        expected["reasoning"] += sum(1 for s in t.steps if s.reasoning)
        expected["tool_call"] += len(t.steps)
        expected["tool_result"] += sum(1 for s in t.steps if s.output is not None)
    assert kinds(recorded(ledger)) == expected
    assert result.sessions == tuple(dict.fromkeys(t.id for t in trajectories))
    assert verifies(tmp_path)


def test_reimport_adds_nothing(ledger: LedgerStore) -> None:
    """Importing the same corpus twice leaves the ledger as the first import left it."""
    import_file(ledger, "trajectory", CODING)
    head = ledger.head()
    assert import_file(ledger, "trajectory", CODING).added == 0
    assert ledger.head() == head


def test_labels_go_into_the_marker(ledger: LedgerStore) -> None:
    """A session's `imported` marker keeps the trajectory's label and attack type."""
    first = next(iter(load_trajectories([CODING])))
    import_file(ledger, "trajectory", CODING)
    marker = recorded(ledger, first.id)[0]
    assert isinstance(marker, Lifecycle)
    assert marker.phase == "imported"
    assert (marker.detail["label"], marker.detail["attack_type"]) == (
        first.label,
        first.attack_type,
    )


def test_bad_line_is_named_and_nothing_is_recorded(ledger: LedgerStore, tmp_path: Path) -> None:
    """A line that is not a trajectory fails the whole file, naming the line and the field."""
    lines = CODING.read_text(encoding="utf-8").splitlines(keepends=True)[:5]
    lines[3] = '{"id": "x", "steps": [{"args": {}}]}\n'
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(
        ImportFileError, match=r"bad\.jsonl` line 4: not a trajectory \(`steps\.0\.tool`"
    ):
        import_file(ledger, "trajectory", bad)
    assert recorded(ledger) == []
