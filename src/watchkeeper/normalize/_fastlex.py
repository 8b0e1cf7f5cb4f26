"""A small lexer for the shell lines agents write most: plain words, quotes, pipes, lists.

It accepts only lines whose meaning is beyond doubt (no expansions, substitutions,
escapes, here-docs, keywords, globs with brackets, background jobs or comments) and returns
None for anything else, which then goes to tree-sitter. For every line it accepts it must give
exactly what the tree walk gives; a property test holds it to that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["SimpleCommand", "lex_simple"]

_REJECT = re.compile(r"[$`\\(){}#!\n\r\[\]\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|<<|<&|<>|>\||\|&|;;")
_KEYWORDS = frozenset(
    {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
     "in", "function", "select", "time", "coproc", "declare", "typeset", "export", "local",
     "readonly", "unset"}
)  # fmt: skip
_TOKEN = re.compile(
    r"""(?P<space>[ \t]+)
      | (?P<op>&&|\|\||\||;)
      | (?P<redir>(?:[0-9]*(?:>>|>&|>|<)|&>>|&>))
      | (?P<word>(?:[^\s'"|&;<>]+|'[^']*'|"[^"]*")+)
    """,
    re.VERBOSE,
)
_BARE = re.compile(r"[ \t]*[A-Za-z0-9_./:,+@%^-][A-Za-z0-9_./:,+@%^= \t-]*")
_OPS = re.compile(r"(&&|\|\||\||;)")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"|([^'\"]+)")


@dataclass(slots=True)
class SimpleCommand:
    """One command of a simple line: argv, its source text and trailing redirections."""

    argv: list[str]
    text: str
    redirects: list[tuple[str, str]] = field(default_factory=list)


def _unquote(word: str) -> str:
    if "'" not in word and '"' not in word:
        return word
    return "".join(a or b or c for a, b, c in _QUOTED.findall(word))


class _Lexer:
    """State of one `lex_simple` run; every method returns False to give up."""

    def __init__(self, line: str) -> None:
        self.line = line
        self.pipelines: list[list[SimpleCommand]] = []
        self.pipeline: list[SimpleCommand] = []
        self.argv: list[str] = []
        self.redirects: list[tuple[str, str]] = []
        self.start = self.end = -1
        self.pending: str | None = None
        self.prefix = True

    def close(self) -> bool:
        words = self.argv
        if not words or self.pending is not None or words[0] in _KEYWORDS:
            return False
        self.pipeline.append(SimpleCommand(words, self.line[self.start : self.end], self.redirects))
        self.argv, self.redirects, self.start, self.prefix = [], [], -1, True
        return True

    def word(self, match: re.Match[str]) -> bool:
        text = match.group(0)
        if self.pending is not None:
            if self.pending.endswith(">&") and not text.isdigit():
                return False
            self.redirects.append((self.pending.lstrip("0123456789"), _unquote(text)))
            self.pending = None
            return True
        if self.redirects or text == "-":
            # Words after a redirection, and a lone `-` (which tree-sitter-bash sometimes
            # drops), are left to the full parser.
            return False
        if self.prefix:
            if "=" in text:
                # An assignment before the command (`PAGER=x git log`) is left to the full
                # parser, which also decides what the variable makes the command run.
                return False
            self.prefix = False
        if self.start < 0:
            self.start = match.start()
        self.end = match.end()
        self.argv.append(_unquote(text))
        return True

    def operator(self, op: str) -> bool:
        if not self.close():
            return False
        if op != "|":
            self.pipelines.append(self.pipeline)
            self.pipeline = []
        return True

    def run(self) -> list[list[SimpleCommand]] | None:
        pos, n, last_op = 0, len(self.line), ""
        while pos < n:
            match = _TOKEN.match(self.line, pos)
            if match is None:
                return None
            pos = match.end()
            kind = match.lastgroup
            if kind == "space":
                continue
            last_op = match.group(0) if kind == "op" else ""
            if kind == "word":
                ok = self.word(match)
            elif kind == "redir":
                ok = self.pending is None and bool(self.argv)
                self.pending = match.group(0)
            else:
                ok = self.operator(match.group(0))
            if not ok:
                return None
        if last_op not in ("", ";"):
            return None
        if self.argv or self.pending is not None or self.redirects:
            if not self.close():
                return None
        elif self.pipeline:
            return None
        if self.pipeline:
            self.pipelines.append(self.pipeline)
        return self.pipelines


def lex_simple(line: str) -> list[list[SimpleCommand]] | None:
    """Split `line` into pipelines of simple commands, or None when it needs the full parser."""
    if _BARE.fullmatch(line):
        words = line.split()
        if words and words[0] not in _KEYWORDS and "-" not in words and "=" not in words[0]:
            return [[SimpleCommand(words, line.strip(" \t"))]]
    if _REJECT.search(line):
        return None
    if "'" not in line and '"' not in line and "<" not in line and ">" not in line:
        return _lex_unquoted(line)
    return _Lexer(line).run()


def _lex_unquoted(line: str) -> list[list[SimpleCommand]] | None:
    """`lex_simple` for lines of bare words and list/pipe operators only."""
    parts = _OPS.split(line)
    pipelines: list[list[SimpleCommand]] = []
    pipeline: list[SimpleCommand] = []
    for index in range(0, len(parts), 2):
        segment = parts[index]
        op = parts[index + 1] if index + 1 < len(parts) else None
        words = segment.split()
        if not words:
            if op is None and index > 0 and parts[index - 1] == ";":
                break
            return None
        if "&" in segment or "-" in words:
            return None
        if "=" in words[0] or words[0] in _KEYWORDS:
            return None
        pipeline.append(SimpleCommand(words, segment.strip(" \t")))
        if op != "|":
            pipelines.append(pipeline)
            pipeline = []
    return pipelines
