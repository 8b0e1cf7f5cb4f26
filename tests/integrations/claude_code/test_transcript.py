"""The transcript reader over real Claude Code transcripts and hostile lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watchkeeper.events import ErrorEvent, Message, Reasoning
from watchkeeper.integrations.claude_code import TranscriptReader

from .conftest import TRANSCRIPTS

TRANSCRIPT_FILES = sorted(TRANSCRIPTS.rglob("*.jsonl"))


def _blocks(path: Path) -> tuple[int, int]:
    """Count non-empty thinking and text blocks of assistant records, independently."""
    thinking = text = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("type") != "assistant":
            continue
        for block in record["message"]["content"]:
            if block.get("type") == "thinking" and block["thinking"].strip():
                thinking += 1
            elif block.get("type") == "text" and block["text"].strip():
                text += 1
    return thinking, text


def test_samples_are_present() -> None:
    """The captured transcripts are where the tests expect them."""
    assert len(TRANSCRIPT_FILES) >= 5


@pytest.mark.parametrize("path", TRANSCRIPT_FILES, ids=lambda p: p.name)
def test_reads_every_sample_transcript(path: Path) -> None:
    """Every thinking block becomes Reasoning and every text block an assistant Message."""
    lines = path.read_text(encoding="utf-8").splitlines()
    events = TranscriptReader().read(lines, session_id="s", deployment_id="d")
    reasoning = [e for e in events if isinstance(e, Reasoning)]
    messages = [e for e in events if isinstance(e, Message)]
    assert (len(reasoning), len(messages)) == _blocks(path)
    assert not [e for e in events if isinstance(e, ErrorEvent)]
    assert all(e.source_ref for e in reasoning)
    assert all(e.source_ref for e in messages)
    assert all(e.deployment_id == "d" and e.session_id == "s" for e in events)


def test_sample_with_thinking_yields_reasoning() -> None:
    """The short sample's thinking block is read as reasoning with its line uuid."""
    path = TRANSCRIPTS / "spotter" / "short.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    events = TranscriptReader().read(lines, session_id="s")
    reasoning = [e for e in events if isinstance(e, Reasoning)]
    assert reasoning
    uuids = {json.loads(line).get("uuid") for line in lines}
    assert all(e.source_ref in uuids for e in reasoning)


def test_lines_sent_twice_are_recorded_once() -> None:
    """Lines already read (e.g. sent by two concurrent hook calls) produce no new events."""
    path = TRANSCRIPTS / "spotter" / "tool_heavy.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    reader = TranscriptReader()
    first = reader.read(lines, session_id="s")
    again = reader.read(lines[len(lines) // 2 :], session_id="s")
    assert first
    assert again == []


def test_garbage_lines_become_error_events() -> None:
    """Lines that are not JSON objects become ErrorEvents with the raw text, never a crash."""
    lines = ["{not json", "[1, 2]", '"text"', "", "   ", "\x00\xff", '{"type": "assistant"}']
    events = TranscriptReader().read(lines, session_id="s")
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 4
    assert errors[0].raw == "{not json"
    assert all(e.where == "claude_code.transcript" for e in errors)


def test_odd_records_are_tolerated() -> None:
    """Summary, progress, sidechain and malformed assistant records are read without errors."""
    lines = [
        json.dumps({"type": "summary", "summary": "s", "leafUuid": "u"}),
        json.dumps({"type": "progress", "data": {"type": "hook_progress"}}),
        json.dumps({"type": "assistant", "uuid": "a", "message": {"content": "plain"}}),
        json.dumps({"type": "assistant", "uuid": "b", "message": {"content": [1, None, {}]}}),
        json.dumps({"type": "assistant", "uuid": "c", "message": None}),
        json.dumps(
            {
                "type": "assistant",
                "uuid": "d",
                "isSidechain": True,
                "message": {"content": [{"type": "redacted_thinking", "data": "x"}]},
            }
        ),
    ]
    events = TranscriptReader().read(lines, session_id="s")
    assert [(type(e).__name__, getattr(e, "text", None)) for e in events] == [("Message", "plain")]


def test_same_lines_in_another_session_are_recorded() -> None:
    """Deduplication is per deployment and session: other sessions still get their events."""
    path = TRANSCRIPTS / "spotter" / "short.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    reader = TranscriptReader()
    first = reader.read(lines, session_id="s1")
    assert len(reader.read(lines, session_id="s2")) == len(first) > 0
    assert len(reader.read(lines, session_id="s1", deployment_id="other")) == len(first)
