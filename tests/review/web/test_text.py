"""Cleaning and clipping agent text."""

from __future__ import annotations

from watchkeeper.review.web._text import clip, plain


def test_plain_strips_csi_and_osc_sequences() -> None:
    """Colour codes and terminal title sequences are removed, newlines kept."""
    assert plain("\x1b[1;31mbold\x1b[0m\n\x1b]0;title\x07ok") == "bold\nok"


def test_plain_strips_control_characters() -> None:
    """Backspace, bell and carriage returns are removed; tabs stay."""
    assert plain("a\x08b\x07c\rd\te") == "abcd\te"


def test_clip_keeps_short_text_whole() -> None:
    """Text under the head size is not split."""
    assert clip("short").head == "short"
    assert clip("short").rest == ""


def test_clip_splits_head_rest_and_omitted() -> None:
    """Long text is cut into head, rest up to the cap, and a count of the remainder."""
    clipped = clip("x" * 100, head=10, rest=30)
    assert (len(clipped.head), len(clipped.rest), clipped.omitted) == (10, 30, 60)


def test_clip_renders_json_data_indented() -> None:
    """Non-text values are shown as sorted, indented JSON."""
    assert clip({"b": 1, "a": [1]}).head == '{\n  "a": [\n    1\n  ],\n  "b": 1\n}'
