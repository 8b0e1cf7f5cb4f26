"""Quote-aware string surgery on shell command lines, for the obfuscating transforms.

Only what the transforms need: find the top-level segments of a line (split at ``;``, ``&&``,
``||``, ``|`` and ``&`` outside quotes and parentheses) and the command word of each segment,
so that a transform can rewrite that word and leave the rest of the line byte-for-byte intact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CommandWord", "command_words", "rewrite_command_words", "unquoted_spaces"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.+-]*")
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=\S*")
_HEREDOC = re.compile(r"<<-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?")
_SKIP_SEGMENT = frozenset({"for", "while", "until", "if", "case", "done", "fi", "esac", "}"})
_PREFIX_WORDS = frozenset({"do", "then", "else", "!", "{"})


@dataclass(frozen=True)
class CommandWord:
    """The command name of one top-level segment: its text and where it sits in the line."""

    start: int
    end: int
    text: str
    segment_end: int


def _segment_bounds(line: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    quote = ""
    depth = 0
    start = 0
    heredocs: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif line.startswith("<<", i) and not line.startswith("<<<", i):
            found = _HEREDOC.match(line, i)
            if found:
                heredocs.append(found.group(1))
                i = found.end()
                continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in ";&|\n":
            bounds.append((start, i))
            if ch == "\n" and heredocs:
                i = _skip_bodies(line, i + 1, heredocs) - 1
                heredocs = []
            while i + 1 < len(line) and line[i + 1] in ";&|":
                i += 1
            start = i + 1
        i += 1
    bounds.append((start, len(line)))
    return bounds


def _skip_bodies(line: str, pos: int, delimiters: list[str]) -> int:
    for delimiter in delimiters:
        while pos < len(line):
            end = line.find("\n", pos)
            end = len(line) if end < 0 else end
            text = line[pos:end].strip()
            pos = end + 1
            if text == delimiter:
                break
    return min(pos, len(line))


def _word_at(line: str, start: int, end: int) -> CommandWord | None:
    pos = start
    while True:
        while pos < end and line[pos] in " \t(":
            pos += 1
        assign = _ASSIGN.match(line, pos, end)
        if assign and (assign.end() == end or line[assign.end()] in " \t"):
            pos = assign.end()
            continue
        word = _WORD.match(line, pos, end)
        if word is None:
            return None
        text = word.group()
        after = word.end()
        if after < end and line[after] not in " \t;)":
            return None
        if text in _SKIP_SEGMENT:
            return None
        if text in _PREFIX_WORDS:
            pos = after
            continue
        return CommandWord(pos, after, text, end)


def command_words(line: str) -> list[CommandWord]:
    """Return the plain command word of each top-level segment of `line`, in order."""
    found: list[CommandWord] = []
    for start, end in _segment_bounds(line):
        word = _word_at(line, start, end)
        if word is not None:
            found.append(word)
    return found


def rewrite_command_words(line: str, rewrite: Callable[[str], str | None]) -> str | None:
    """Replace each command word with `rewrite(word)` (None keeps it); None if nothing changed."""
    out: list[str] = []
    last = 0
    changed = False
    for word in command_words(line):
        new = rewrite(word.text)
        if new is None:
            continue
        out += [line[last : word.start], new]
        last = word.end
        changed = True
    if not changed:
        return None
    out.append(line[last:])
    return "".join(out)


def unquoted_spaces(line: str) -> list[int]:
    """Return offsets of spaces, outside quotes, between plain argument words of simple commands.

    Only spaces from a segment's command word to its end count, and none next to a
    redirection, so replacing them with ``${IFS}`` keeps the line's meaning.
    """
    spots: list[int] = []
    for word in command_words(line):
        quote = ""
        for i in range(word.start, word.segment_end):
            ch = line[i]
            if quote:
                if ch == quote:
                    quote = ""
                continue
            if ch in "'\"`":
                quote = ch
            elif ch == " " and _plain_neighbours(line, i, word.segment_end):
                spots.append(i)
    return spots


def _plain_neighbours(line: str, i: int, end: int) -> bool:
    before = line[i - 1]
    after = line[i + 1] if i + 1 < end else ""
    token_end = line.find(" ", i + 1, end)
    token = line[i + 1 : token_end if token_end >= 0 else end]
    if "<" in token or ">" in token or "$(" in token:
        return False
    return (before.isalnum() or before in "_.-/") and (after.isalnum() or after in "-/_.")
