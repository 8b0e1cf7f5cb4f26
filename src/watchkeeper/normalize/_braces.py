"""Brace expansion of unquoted words: ``rm -rf {/,/tmp/x}`` is ``rm -rf / /tmp/x``.

The word resolver marks the braces and commas it finds outside quotes and escapes with the
private characters below; `expand` turns a marked word into the words bash makes of it,
left to right (``a{b,c}d`` → ``abd``, ``acd``; nested lists too). A brace without a matching
one, or a pair with no comma in it, stays as written, as in bash. A word that would expand to
more than `MAX_WORDS` words is not expanded (its braces are kept; `expand` says so).
Sequences (``{1..3}``) are not handled here: the resolver treats them as dynamic.
"""

from __future__ import annotations

from itertools import pairwise

__all__ = ["CLOSE", "COMMA", "MAX_WORDS", "OPEN", "expand", "literal"]

OPEN = "\x01"
CLOSE = "\x02"
COMMA = "\x03"
MAX_WORDS = 64
_LITERAL = str.maketrans({OPEN: "{", CLOSE: "}", COMMA: ","})


def literal(marked: str) -> str:
    """`marked` with every mark turned back into the character it stands for."""
    return marked.translate(_LITERAL)


def expand(marked: str) -> tuple[list[str], bool]:
    """Expand the brace lists of `marked`; return the words and whether all were expanded."""
    words = [marked]
    done: list[str] = []
    while words:
        word = words.pop(0)
        found = _first_list(word)
        if found is None:
            done.append(literal(word))
            continue
        start, commas, end = found
        prefix, suffix = word[:start], word[end + 1 :]
        bounds = [start, *commas, end]
        alternatives = [word[a + 1 : b] for a, b in pairwise(bounds)]
        if len(done) + len(words) + len(alternatives) > MAX_WORDS:
            return [literal(marked)], False
        words[:0] = [prefix + alternative + suffix for alternative in alternatives]
    return done, True


def _first_list(word: str) -> tuple[int, list[int], int] | None:
    """The first brace pair of `word` with a comma at its own depth: (open, commas, close)."""
    for start, char in enumerate(word):
        if char != OPEN:
            continue
        depth = 0
        commas: list[int] = []
        for index in range(start + 1, len(word)):
            mark = word[index]
            if mark == OPEN:
                depth += 1
            elif mark == CLOSE and depth:
                depth -= 1
            elif mark == CLOSE:
                if commas:
                    return start, commas, index
                break
            elif mark == COMMA and not depth:
                commas.append(index)
    return None
