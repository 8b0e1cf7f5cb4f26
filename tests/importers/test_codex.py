"""Codex CLI rollouts import as one ledger session each."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.importers.conftest import FORMATS, kinds, recorded, verifies
from watchkeeper.events import ToolCall, ToolResult
from watchkeeper.importers import ImportFileError, import_file, input_files, read_codex
from watchkeeper.ledger import LedgerStore

SAMPLES = sorted((FORMATS / "codex").glob("*.jsonl"))


def raw_records(path: Path) -> list[dict[str, Any]]:
    """The rollout's lines as parsed JSON."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def expected_kinds(path: Path) -> Counter[str]:
    """Count, straight from the file, the events its `response_item` lines should give."""
    counts: Counter[str] = Counter()
    for record in raw_records(path):
        item = record["payload"]
        if record["type"] != "response_item":
            continue
        kind = item["type"]
        if kind == "message" and any(c.get("text", "").strip() for c in item["content"]):
            counts["message"] += 1
        elif kind == "reasoning" and any(s["text"].strip() for s in item["summary"]):
            counts["reasoning"] += 1
        elif kind.endswith("_output"):
            counts["tool_result"] += 1
        elif kind.endswith("_call"):
            counts["tool_call"] += 1
    return counts


def test_every_sample_is_found() -> None:
    """A directory of rollouts stands for its `.jsonl` files."""
    assert input_files("codex", [FORMATS / "codex"]) == SAMPLES
    assert len(SAMPLES) == 2


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:40])
def test_sample_imports_every_item(ledger: LedgerStore, path: Path, tmp_path: Path) -> None:
    """Each real rollout records as many events of each kind as its response items call for."""
    result = import_file(ledger, "codex", path)
    session = raw_records(path)[0]["payload"]["id"]
    assert result.sessions == (session,)
    assert kinds(recorded(ledger, session)) == expected_kinds(path)
    assert verifies(tmp_path)


def test_results_name_their_tool() -> None:
    """Every output names the tool of the call with the same `call_id`."""
    events = read_codex(SAMPLES[0]).events
    calls = {e.tool_use_id: e.tool for e in events if isinstance(e, ToolCall)}
    results = [e for e in events if isinstance(e, ToolResult)]
    assert results
    assert all(r.tool == calls[r.tool_use_id] for r in results)
    assert {"exec_command", "apply_patch"} <= set(calls.values())


def test_reimport_adds_nothing(ledger: LedgerStore) -> None:
    """Importing the same rollout twice leaves the ledger as the first import left it."""
    import_file(ledger, "codex", SAMPLES[1])
    head = ledger.head()
    assert import_file(ledger, "codex", SAMPLES[1]).added == 0
    assert ledger.head() == head


def test_bad_line_is_named(tmp_path: Path) -> None:
    """A line that is a JSON array, not an object, fails the file with its line number."""
    lines = SAMPLES[1].read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "[1, 2]\n"
    bad = tmp_path / "rollout.jsonl"
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(
        ImportFileError, match=r"rollout\.jsonl` line 3: a JSON list, not an object"
    ):
        read_codex(bad)
