"""Turn a tree-sitter-bash word node into the strings the shell would pass as arguments.

Quoting is resolved (``r''m``, ``\\rm``, ``"r"m``, ``$'\\x72m'``); ``$HOME``/``${HOME}``
become the home directory; ``$IFS``/``${IFS}`` split a word the way an attacker means it to
(``cat${IFS}/etc/passwd`` → ``cat``, ``/etc/passwd``). Any other expansion or substitution
makes the word *dynamic*: its text is kept as written and rules cannot trust it.
Brace lists outside quotes are expanded (``rm -rf {/,/tmp/x}`` → ``/``, ``/tmp/x``);
sequences (``{1..3}``) make the word dynamic.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from watchkeeper.normalize._braces import CLOSE, COMMA, OPEN, expand, literal

__all__ = ["Word", "decode_ansi_c", "is_leaf", "node_text", "resolve_word"]

_LEAVES = frozenset({"word", "number", "raw_string", "ansi_c_string", "simple_expansion"})

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_HEX = "0123456789abcdefABCDEF"
_DQ_ESCAPABLE = '$`"\\\n'
_SEPARATOR = "\x00IFS\x00"


@dataclass(slots=True)
class Word:
    """One resolved shell word: its fields after `$IFS` splitting and whether it is dynamic."""

    fields: list[str]
    dynamic: bool

    @property
    def text(self) -> str:
        """The fields joined by single spaces (the word as one string)."""
        return " ".join(self.fields)


def _char(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"


def decode_ansi_c(body: str) -> str:
    """Decode the inside of a ``$'…'`` string the way bash does."""
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
        elif e in "xuU":
            limit = {"x": 2, "u": 4, "U": 8}[e]
            j = i
            while j < n and j - i < limit and body[j] in _HEX:
                j += 1
            if j == i:
                out.append("\\" + e)
            else:
                out.append(_char(int(body[i:j], 16)))
            i = j
        elif e in "01234567":
            j = i
            while j < n and j - i < 2 and body[j] in "01234567":
                j += 1
            out.append(_char(int(e + body[i:j], 8) & 0xFF))
            i = j
        elif e == "c" and i < n:
            out.append(_char(ord(body[i]) & 0x1F))
            i += 1
        else:
            out.append("\\" + e)
    return "".join(out)


_MARKS = {"{": OPEN, "}": CLOSE, ",": COMMA}


def _unescape_unquoted(text: str, marks: dict[str, str] | None = None) -> str:
    """Drop the backslashes of an unquoted word; with `marks`, the braces and commas bash
    may expand are replaced by their marks (escaped ones stay literal)."""
    if "\\" not in text and marks is None:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(marks.get(c, c) if marks is not None else c)
        i += 1
    return "".join(out)


def _may_expand(text: str) -> bool:
    return "{" in text and "}" in text


def _unescape_double(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in _DQ_ESCAPABLE:
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


class _Resolver:
    __slots__ = ("dynamic", "home", "parts", "source")

    def __init__(self, home: str, source: bytes) -> None:
        self.home = home
        self.source = source
        self.parts: list[str] = []
        self.dynamic = False

    def text(self, node: Node) -> str:
        return node_text(node, self.source)

    def expansion(self, node: Node, *, quoted: bool) -> None:
        text = self.text(node)
        name = text[2:-1] if text.startswith("${") else text[1:]
        if name == "HOME":
            self.parts.append(self.home)
        elif name == "IFS" and not quoted:
            self.parts.append(_SEPARATOR)
        else:
            self.dynamic = True
            self.parts.append(text)

    def string(self, node: Node) -> None:
        start = node.start_byte + (2 if node.type == "translated_string" else 1)
        end = node.end_byte - 1
        raw = self.source[node.start_byte : node.end_byte]
        base = node.start_byte
        cursor = start
        for child in node.named_children:
            if child.start_byte > cursor:
                gap = raw[cursor - base : child.start_byte - base].decode("utf-8", "replace")
                self.parts.append(_unescape_double(gap))
            if child.type == "string_content":
                self.parts.append(_unescape_double(self.text(child)))
            elif child.type in ("simple_expansion", "expansion"):
                self.expansion(child, quoted=True)
            else:
                self.dynamic = True
                self.parts.append(self.text(child))
            cursor = max(cursor, child.end_byte)
        if end > cursor:
            self.parts.append(_unescape_double(raw[cursor - base : end - base].decode()))

    def visit(self, node: Node) -> None:
        kind = node.type
        if kind == "word":
            text = self.text(node)
            marks = _MARKS if text in "{}" or "," in text else None
            self.parts.append(_unescape_unquoted(text, marks))
        elif kind in ("number", "special_variable_name", "variable_name"):
            self.parts.append(_unescape_unquoted(self.text(node)))
        elif kind == "raw_string":
            self.parts.append(self.text(node)[1:-1])
        elif kind == "ansi_c_string":
            self.parts.append(decode_ansi_c(self.text(node)[2:-1]))
        elif kind in ("string", "translated_string"):
            self.string(node)
        elif kind in ("simple_expansion", "expansion"):
            self.expansion(node, quoted=False)
        elif kind in ("concatenation", "command_name"):
            for child in node.children:
                self.visit(child)
        else:
            # command/process substitution, arithmetic, globs with structure, errors …
            self.dynamic = self.dynamic or kind not in ("extglob_pattern", "regex")
            self.parts.append(self.text(node))


def node_text(node: Node, source: bytes) -> str:
    """The source text of `node`, taken from `source` (the original bytes of the line)."""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def resolve_word(node: Node, *, home: str, source: bytes) -> Word:
    """Resolve one word node (argument, command name, redirect target) of `source`."""
    if node.type == "word":
        text = node_text(node, source)
        if "\\" not in text and not _may_expand(text):
            return Word(fields=[text], dynamic=False)
    resolver = _Resolver(home, source)
    resolver.visit(node)
    joined = "".join(resolver.parts)
    words = expand(joined)[0] if OPEN in joined else [literal(joined)]
    fields = [f for w in words for f in (w.split(_SEPARATOR) if _SEPARATOR in w else [w]) if f]
    return Word(fields=fields or [""], dynamic=resolver.dynamic)


def is_leaf(node: Node) -> bool:
    """True when no command can hide inside this word node."""
    if node.type == "command_name":
        child = node.child(0)
        return child is not None and node.child_count == 1 and child.type in _LEAVES
    return node.type in _LEAVES
