"""Diffs of file-changing calls."""

from __future__ import annotations

from watchkeeper.review.web._diff import call_diff


def test_edit_diff_shows_removed_and_added_lines() -> None:
    """An Edit becomes a unified diff of old against new."""
    lines = call_diff("Edit", {"file_path": "/a.py", "old_string": "x\n", "new_string": "y\n"})
    assert lines is not None
    assert [(line.kind, line.text) for line in lines if line.kind in ("add", "del")] == [
        ("del", "-x"),
        ("add", "+y"),
    ]


def test_multiedit_diffs_every_edit() -> None:
    """Each edit of a MultiEdit contributes its own hunk."""
    edits = [{"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": "d"}]
    lines = call_diff("MultiEdit", {"file_path": "/f", "edits": edits})
    assert lines is not None
    assert sum(1 for line in lines if line.kind == "hunk") == 2


def test_other_tools_have_no_diff() -> None:
    """A Bash call has no diff."""
    assert call_diff("Bash", {"command": "ls"}) is None
