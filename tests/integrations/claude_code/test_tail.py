"""Reading only what a transcript gained since the last accepted hook call."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.integrations.claude_code._tail import read_tail


def test_only_new_complete_lines_are_read(tmp_path: Path) -> None:
    """After a commit, only lines appended later are returned; a partial line waits."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"a":1}\n{"b":2}\n{"c":')
    state = str(tmp_path / "state")
    first = read_tail(state, "s", str(transcript))
    assert first.lines == ['{"a":1}', '{"b":2}']
    first.commit()
    with transcript.open("a") as fh:
        fh.write('3}\n{"d":4}\n')
    second = read_tail(state, "s", str(transcript))
    assert second.lines == ['{"c":3}', '{"d":4}']


def test_uncommitted_lines_are_read_again(tmp_path: Path) -> None:
    """Lines the gateway did not accept are sent again on the next call."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"a":1}\n')
    state = str(tmp_path / "state")
    read_tail(state, "s", str(transcript))
    assert read_tail(state, "s", str(transcript)).lines == ['{"a":1}']


def test_sessions_keep_separate_offsets(tmp_path: Path) -> None:
    """The offset is kept per session and transcript."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"a":1}\n')
    state = str(tmp_path / "state")
    read_tail(state, "s1", str(transcript)).commit()
    assert read_tail(state, "s1", str(transcript)).lines == []
    assert read_tail(state, "s2", str(transcript)).lines == ['{"a":1}']


def test_rewritten_transcript_is_read_from_the_start(tmp_path: Path) -> None:
    """A transcript shorter than the stored offset is read again from the beginning."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"a":1}\n{"b":2}\n')
    state = str(tmp_path / "state")
    read_tail(state, "s", str(transcript)).commit()
    transcript.write_text('{"z":0}\n')
    assert read_tail(state, "s", str(transcript)).lines == ['{"z":0}']


def test_backlog_is_sent_in_capped_pieces(tmp_path: Path) -> None:
    """A backlog larger than the cap is read over several calls, whole lines only."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text("".join(f'{{"n":{i:04d}}}\n' for i in range(100)))
    state = str(tmp_path / "state")
    seen: list[str] = []
    for _ in range(20):
        tail = read_tail(state, "s", str(transcript), cap=100)
        assert len("\n".join(tail.lines)) <= 100
        seen.extend(tail.lines)
        tail.commit()
    assert seen == [f'{{"n":{i:04d}}}' for i in range(100)]


def test_overlong_line_is_skipped_with_its_start_kept(tmp_path: Path) -> None:
    """A single line longer than the cap is passed on truncated, and reading goes on after it."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"x":"' + "y" * 5000 + '"}\n{"after":1}\n')
    state = str(tmp_path / "state")
    tail = read_tail(state, "s", str(transcript), cap=1000)
    assert len(tail.lines) == 1
    assert tail.lines[0].startswith('{"x":"yyy')
    tail.commit()
    assert read_tail(state, "s", str(transcript), cap=1000).lines == ['{"after":1}']


def test_missing_transcript_gives_nothing(tmp_path: Path) -> None:
    """A transcript that does not exist (yet) yields no lines and no error."""
    tail = read_tail(str(tmp_path / "state"), "s", str(tmp_path / "nope.jsonl"))
    assert tail.lines == []


def test_a_call_without_new_lines_writes_no_state(tmp_path: Path) -> None:
    """Committing a tail that did not move the offset leaves the state directory untouched."""
    transcript = tmp_path / "t.jsonl"
    transcript.write_text('{"a":1}\n')
    state = tmp_path / "state"
    read_tail(str(state), "s", str(tmp_path / "missing.jsonl")).commit()
    assert not state.exists()
    read_tail(str(state), "s", str(transcript)).commit()
    written = {p: p.stat().st_mtime_ns for p in state.iterdir()}
    unchanged = read_tail(str(state), "s", str(transcript))
    assert unchanged.lines == []
    unchanged.commit()
    assert {p: p.stat().st_mtime_ns for p in state.iterdir()} == written
