"""Claude Code transcripts import as one ledger session each, sidechains included and marked."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.importers.conftest import TRANSCRIPTS, kinds, recorded, verifies
from watchkeeper.events import Lifecycle, Message, Reasoning, ToolCall, ToolResult
from watchkeeper.importers import ImportFileError, import_file, input_files, read_claude_code
from watchkeeper.importers._identity import parse_timestamp
from watchkeeper.ledger import LedgerStore

SAMPLES = sorted(TRANSCRIPTS.rglob("*.jsonl"))
PARENT = TRANSCRIPTS / "spotter" / "ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl"
SHORT = TRANSCRIPTS / "spotter" / "short.jsonl"


def raw_records(path: Path) -> list[dict[str, Any]]:
    """The transcript's lines as parsed JSON, blank lines skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def expected_kinds(path: Path) -> Counter[str]:
    """Count, straight from the file, the events each record kind should give."""
    counts: Counter[str] = Counter()
    for record in raw_records(path):
        if record.get("type") == "summary":
            counts["lifecycle"] += 1
        if record.get("type") == "system" and record.get("subtype") == "compact_boundary":
            counts["lifecycle"] += 1
        if record.get("type") not in ("user", "assistant"):
            continue
        content = record["message"]["content"]
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for block in blocks:
            kind = block["type"]
            if kind == "text" and block["text"].strip():
                counts["message"] += 1
            elif kind == "thinking" and block["thinking"].strip():
                counts["reasoning"] += 1
            elif kind == "tool_use":
                counts["tool_call"] += 1
            elif kind == "tool_result":
                counts["tool_result"] += 1
    return counts


def test_every_sample_is_found() -> None:
    """A directory stands for its six transcripts, each parent before its subagents."""
    found = input_files("claude-code", [TRANSCRIPTS])
    assert sorted(found) == SAMPLES
    assert len(found) == 6
    subagents = [p for p in found if p.parent.name == "subagents"]
    assert subagents
    assert all(found.index(PARENT) < found.index(p) for p in subagents)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_imports_every_block(ledger: LedgerStore, path: Path, tmp_path: Path) -> None:
    """Each real transcript records as many events of each kind as its blocks call for."""
    result = import_file(ledger, "claude-code", path)
    session = raw_records(path)[-1]["sessionId"]
    events = recorded(ledger, session)
    assert kinds(events) == expected_kinds(path)
    assert result.sessions == (session,)
    assert result.added == len(events)
    assert verifies(tmp_path)


def test_reimport_adds_nothing(ledger: LedgerStore) -> None:
    """Importing the same transcript twice leaves the ledger as the first import left it."""
    first = import_file(ledger, "claude-code", PARENT)
    head = ledger.head()
    second = import_file(ledger, "claude-code", PARENT)
    assert first.added > 0
    assert (second.added, second.skipped) == (0, first.added - 1)
    assert ledger.head() == head


def test_grown_transcript_adds_only_new_lines(ledger: LedgerStore, tmp_path: Path) -> None:
    """A transcript imported half-written and again when complete holds each block once."""
    lines = SHORT.read_text(encoding="utf-8").splitlines(keepends=True)
    copy = tmp_path / "short.jsonl"
    copy.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    import_file(ledger, "claude-code", copy)
    copy.write_text("".join(lines), encoding="utf-8")
    import_file(ledger, "claude-code", copy)
    events = recorded(ledger)
    assert kinds(events) == expected_kinds(SHORT)
    assert len({e.id for e in events}) == len(events)


def test_bad_line_is_named_and_nothing_is_recorded(ledger: LedgerStore, tmp_path: Path) -> None:
    """A line that is not JSON fails the file with its line number, recording none of it."""
    lines = SHORT.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = '{"type": "assistant", "message": \n'
    bad = tmp_path / "transcript.jsonl"
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"transcript\.jsonl` line 7: not valid JSON") as err:
        import_file(ledger, "claude-code", bad)
    assert err.value.line == 7
    assert recorded(ledger) == []


def test_tool_use_without_name_is_named(tmp_path: Path) -> None:
    """A `tool_use` block without a name is an error on its line, not a silent skip."""
    record = {
        "type": "assistant",
        "uuid": "u1",
        "sessionId": "s1",
        "timestamp": "2026-01-02T03:04:05Z",
        "message": {"content": [{"type": "tool_use", "id": "t1", "input": {}}]},
    }
    path = tmp_path / "s1.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"line 1: `tool_use` block 0 has no `name`"):
        read_claude_code(path)


def test_sidechain_events_are_kept_and_marked(ledger: LedgerStore) -> None:
    """Importing a parent transcript brings its subagent's events, marked with the agent id."""
    input_paths = input_files("claude-code", [PARENT])
    for path in input_paths:
        import_file(ledger, "claude-code", path)
    subagent = PARENT.parent / PARENT.stem / "subagents" / "agent-aac57f5.jsonl"
    assert subagent in input_paths
    events = recorded(ledger, "ae4a77f8-aedd-4bc1-888f-c94edc91af04")
    calls = [e for e in events if isinstance(e, ToolCall) and e.agent_id == "aac57f5"]
    results = [e for e in events if isinstance(e, ToolResult) and e.agent_id == "aac57f5"]
    said = [
        e
        for e in events
        if isinstance(e, Message) and (e.source_ref or "").startswith("sidechain/aac57f5/")
    ]
    expected = expected_kinds(subagent)
    assert (len(calls), len(results), len(said)) == (
        expected["tool_call"],
        expected["tool_result"],
        expected["message"],
    )
    main_calls = [e for e in events if isinstance(e, ToolCall) and e.agent_id is None]
    assert len(main_calls) == expected_kinds(PARENT)["tool_call"]


def test_original_timestamps_are_kept() -> None:
    """Each event carries its line's timestamp, not the time of the import."""
    parsed = read_claude_code(SHORT)
    stamps = {r["uuid"]: parse_timestamp(r["timestamp"]) for r in raw_records(SHORT) if "uuid" in r}
    thought = next(e for e in parsed.events if isinstance(e, Reasoning))
    assert thought.source_ref is not None
    assert thought.ts == stamps[thought.source_ref]


def test_tool_result_has_tool_name_and_structured_output() -> None:
    """A result names the tool of its `tool_use` and keeps the line's `toolUseResult`."""
    path = TRANSCRIPTS / "claude-reliability" / "coverage-test-fix.jsonl"
    parsed = read_claude_code(path)
    calls = {e.tool_use_id: e.tool for e in parsed.events if isinstance(e, ToolCall)}
    results = [e for e in parsed.events if isinstance(e, ToolResult)]
    assert all(r.tool == calls[r.tool_use_id] for r in results)
    edit = next(r for r in results if r.tool == "Edit")
    assert isinstance(edit.output, dict)
    assert "structuredPatch" in edit.output


def test_summary_line_becomes_lifecycle(tmp_path: Path) -> None:
    """The older `summary` line is accepted and recorded as a `summary` lifecycle event."""
    lines = [
        {"type": "summary", "summary": "Fix the flaky test", "leafUuid": "leaf-1"},
        {
            "type": "user",
            "uuid": "u1",
            "sessionId": "sess-old",
            "timestamp": "2025-06-01T10:00:00.000Z",
            "message": {"role": "user", "content": "hello"},
        },
    ]
    path = tmp_path / "sess-old.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    parsed = read_claude_code(path)
    summary = parsed.events[0]
    assert isinstance(summary, Lifecycle)
    assert (summary.phase, summary.session_id) == ("summary", "sess-old")
    assert summary.detail["summary"] == "Fix the flaky test"


def test_deployment_is_recorded(ledger: LedgerStore) -> None:
    """Every imported event, marker included, belongs to the deployment asked for."""
    import_file(ledger, "claude-code", SHORT, deployment_id="laptop-2026")
    assert {e.deployment_id for e in recorded(ledger)} == {"laptop-2026"}
