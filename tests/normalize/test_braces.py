"""`expand` makes the words bash makes of a word with marked brace lists."""

from __future__ import annotations

from watchkeeper.normalize._braces import CLOSE, COMMA, MAX_WORDS, OPEN, expand


def _marked(text: str) -> str:
    return text.replace("{", OPEN).replace("}", CLOSE).replace(",", COMMA)


def test_a_list_gives_one_word_per_item_with_prefix_and_suffix() -> None:
    """`a{b,c}d` is `abd acd`."""
    assert expand(_marked("a{b,c}d")) == (["abd", "acd"], True)


def test_empty_items_are_kept() -> None:
    """`x{,.bak}` is `x x.bak`."""
    assert expand(_marked("x{,.bak}")) == (["x", "x.bak"], True)


def test_unmarked_characters_are_literal() -> None:
    """Braces that were quoted (not marked) are not a list."""
    assert expand("a{b,c}") == (["a{b,c}"], True)


def test_a_word_over_the_limit_keeps_its_braces() -> None:
    """More than MAX_WORDS words: nothing is expanded, and `expand` says so."""
    word = "{a,b}" * (MAX_WORDS.bit_length())
    assert expand(_marked(word)) == ([word], False)
