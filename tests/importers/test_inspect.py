"""Inspect eval logs import as one ledger session per sample and epoch."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.importers.conftest import INSPECT, kinds, recorded, verifies
from watchkeeper.events import Lifecycle, ToolResult
from watchkeeper.importers import ImportFileError, import_file, input_files, read_inspect_log
from watchkeeper.importers._identity import parse_timestamp
from watchkeeper.ledger import LedgerStore

SAMPLES = sorted(INSPECT.iterdir())
EVAL = INSPECT / "log_message_deduplication.eval"
BROWSER = INSPECT / "2025-05-12T20-27-36-04-00_browser.json"
ERRORS = INSPECT / "log_tool_call_error.json"


def raw_log(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The log's `eval` spec and its samples, read straight from the file."""
    if path.suffix == ".eval":
        with zipfile.ZipFile(path) as archive:
            header = json.loads(archive.read("header.json"))
            names = [n for n in archive.namelist() if n.startswith("samples/")]
            return header["eval"], [json.loads(archive.read(n)) for n in names]
    log = json.loads(path.read_text(encoding="utf-8"))
    return log["eval"], log.get("samples") or []


def expected_kinds(sample: dict[str, Any]) -> Counter[str]:
    """Count, straight from a sample, the events its messages and scores should give."""
    counts: Counter[str] = Counter()
    for message in sample["messages"]:
        content = message["content"]
        text = (
            content
            if isinstance(content, str)
            else "".join(b.get("text", "") for b in content if b["type"] == "text")
        )
        if message["role"] == "tool":
            counts["tool_result"] += 1
            continue
        if text.strip():
            counts["message"] += 1
        counts["tool_call"] += len(message.get("tool_calls") or [])
        if not isinstance(content, str):
            counts["reasoning"] += sum(1 for b in content if b["type"] == "reasoning")
    if sample.get("scores") or sample.get("error"):
        counts["lifecycle"] += 1
    return counts


def session_of(spec: dict[str, Any], sample: dict[str, Any]) -> str:
    """The session id the importer should give a sample."""
    eval_id = spec.get("eval_id") or spec.get("task_id") or spec.get("run_id")
    return f"{eval_id}/{sample['id']}/{sample['epoch']}"


def test_every_sample_is_found() -> None:
    """A directory of logs stands for its `.eval` and `.json` files."""
    assert input_files("inspect", [INSPECT]) == SAMPLES
    assert len(SAMPLES) == 3


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_imports_every_message(ledger: LedgerStore, path: Path, tmp_path: Path) -> None:
    """Each real log records, per sample, as many events of each kind as its messages hold."""
    result = import_file(ledger, "inspect", path)
    spec, samples = raw_log(path)
    assert samples
    assert result.sessions == tuple(session_of(spec, s) for s in samples)
    for sample in samples:
        events = recorded(ledger, session_of(spec, sample))
        assert kinds(events) == expected_kinds(sample)
    assert verifies(tmp_path)


def test_reimport_adds_nothing(ledger: LedgerStore) -> None:
    """Importing the same log twice leaves the ledger as the first import left it."""
    first = import_file(ledger, "inspect", EVAL)
    head = ledger.head()
    second = import_file(ledger, "inspect", EVAL)
    assert (first.added > 0, second.added) == (True, 0)
    assert ledger.head() == head


def test_attachments_are_resolved(ledger: LedgerStore) -> None:
    """No `attachment://` reference survives into the ledger; the content is there instead."""
    import_file(ledger, "inspect", EVAL)
    text = json.dumps([e.model_dump(mode="json") for e in recorded(ledger)])
    assert "attachment://" not in text


def test_tool_errors_are_marked() -> None:
    """A `tool` message with an `error` is an error result that keeps the error type."""
    results = [e for e in read_inspect_log(ERRORS).events if isinstance(e, ToolResult)]
    assert len(results) == 11
    assert all(r.is_error for r in results)
    assert {r.output["error"] for r in results} >= {"timeout", "permission", "output_limit"}


def test_timestamps_come_from_tool_events() -> None:
    """A tool result carries the completion time of the tool event that produced it."""
    _, samples = raw_log(BROWSER)
    done = {
        e["id"]: parse_timestamp(e["completed"])
        for e in samples[0]["events"]
        if e["event"] == "tool"
    }
    results = [e for e in read_inspect_log(BROWSER).events if isinstance(e, ToolResult)]
    assert [r.ts for r in results] == [done[r.tool_use_id or ""] for r in results]


def test_scores_are_the_last_event() -> None:
    """A sample's scores close its session as a `scored` lifecycle event."""
    events = read_inspect_log(BROWSER).events
    last = events[-1]
    assert isinstance(last, Lifecycle)
    assert last.phase == "scored"
    assert last.detail["scores"]["includes"]["value"] == "C"


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    """A `.json` log cut short fails with the line where the JSON broke."""
    lines = BROWSER.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = tmp_path / "cut.json"
    cut.write_text("".join(lines[:40]), encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"cut\.json` line \d+: not valid JSON"):
        read_inspect_log(cut)


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    """A `.eval` that is not a zip archive is refused by name."""
    bad = tmp_path / "broken.eval"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ImportFileError, match=r"broken\.eval`: not a zip archive"):
        read_inspect_log(bad)


@pytest.mark.slow
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_counts_match_inspect_reader(path: Path) -> None:
    """Inspect's own log reader sees the same messages and tool calls the importer records."""
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(path))
    events = read_inspect_log(path).events
    calls = sum(
        len(getattr(m, "tool_calls", None) or []) for s in log.samples or [] for m in s.messages
    )
    tools = sum(1 for s in log.samples or [] for m in s.messages if m.role == "tool")
    said = sum(
        1 for s in log.samples or [] for m in s.messages if m.role != "tool" and m.text.strip()
    )
    counted = kinds(events)
    assert (counted["tool_call"], counted["tool_result"], counted["message"]) == (
        calls,
        tools,
        said,
    )
