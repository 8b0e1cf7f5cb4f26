"""What a sed script does besides editing text: the files it reads and writes, what it runs.

GNU sed's ``r FILE``/``R FILE`` read a file into the output, ``w FILE``/``W FILE`` and the
``s///w FILE`` flag write one, ``e COMMAND`` runs a shell command and ``e`` alone or the
``s///e`` flag run the pattern space as one. `sed_script` walks the script command by
command (addresses, ``!``, blocks, labels, ``a``/``i``/``c`` text, ``s`` and ``y`` with any
delimiter), so a ``w`` inside a regular expression or replacement is not taken for a write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from watchkeeper.normalize._options import OptionSpec, parse_options

__all__ = ["SedScript", "sed_program", "sed_script"]

_SED_OPTIONS = OptionSpec(short="efl", long=frozenset({"expression", "file", "line-length"}))

_NO_ARGUMENT = frozenset("=dDgGhHnNpPxzF")
_TO_END_OF_LINE = frozenset(":rRwWe#")
_OPTIONAL_ARGUMENT = frozenset("btTlqQLv")


@dataclass(slots=True)
class SedScript:
    """Files read and written, shell commands run (`commands`) and whether the pattern
    space is run as a command (`runs_input`); `unparsed` when the script was not understood."""

    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    runs_input: bool = False
    unparsed: bool = False


class _Reader:
    __slots__ = ("i", "text")

    def __init__(self, text: str) -> None:
        self.text, self.i = text, 0

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def to_end_of_line(self) -> str:
        end = self.text.find("\n", self.i)
        end = len(self.text) if end < 0 else end
        out, self.i = self.text[self.i : end], end
        return out

    def to_delimiter(self, delimiter: str) -> bool:
        """Move past the next unescaped `delimiter`; False when there is none."""
        while self.i < len(self.text):
            char = self.text[self.i]
            self.i += 1
            if char == "\\":
                self.i += 1
            elif char == delimiter:
                return True
        return False


def _address(r: _Reader) -> bool:
    """Skip one address; False on a malformed one."""
    char = r.peek()
    if char.isdigit():
        while r.peek().isdigit() or r.peek() == "~":
            r.i += 1
    elif char == "$":
        r.i += 1
    elif char in ("/", "\\"):
        if char == "\\":
            r.i += 1
        delimiter = r.peek()
        r.i += 1
        if not delimiter or not r.to_delimiter(delimiter):
            return False
        while r.peek() in ("I", "M"):
            r.i += 1
    return True


def _substitute(r: _Reader, out: SedScript) -> bool:
    delimiter = r.peek()
    r.i += 1
    if not delimiter or delimiter in "\n\\" or not r.to_delimiter(delimiter):
        return False
    if not r.to_delimiter(delimiter):
        return False
    while r.peek() and r.peek() not in ";\n}":
        flag = r.peek()
        r.i += 1
        if flag == "e":
            out.runs_input = True
        elif flag == "w":
            r.skip_blanks()
            out.writes.append(r.to_end_of_line().strip())
    return True


def _command(r: _Reader, out: SedScript, command: str) -> bool:
    if command in "aic":
        # Text to the end of the line; a line ending in a backslash continues it.
        while r.to_end_of_line().endswith("\\") and r.i < len(r.text):
            r.i += 1
        return True
    if command in _TO_END_OF_LINE:
        r.skip_blanks()
        argument = r.to_end_of_line().strip()
        if command in "rR" and argument:
            out.reads.append(argument)
        elif command in "wW" and argument:
            out.writes.append(argument)
        elif command == "e":
            if argument:
                out.commands.append(argument)
            else:
                out.runs_input = True
        return True
    if command == "s":
        return _substitute(r, out)
    if command == "y":
        delimiter = r.peek()
        r.i += 1
        return bool(delimiter) and r.to_delimiter(delimiter) and r.to_delimiter(delimiter)
    if command in _OPTIONAL_ARGUMENT:
        while r.peek() and r.peek() not in ";\n}":
            r.i += 1
        return True
    return command in _NO_ARGUMENT or command in "{}"


def sed_script(text: str) -> SedScript:
    """Walk the sed script `text` (GNU syntax) and say what it touches and runs."""
    out = SedScript()
    r = _Reader(text)
    while r.i < len(text):
        while r.peek() in (" ", "\t", "\n", ";"):
            r.i += 1
        if not r.peek():
            break
        if not _address(r):
            out.unparsed = True
            return out
        if r.peek() == ",":
            r.i += 1
            if r.peek() in ("+", "~"):
                r.i += 1
            if not _address(r):
                out.unparsed = True
                return out
        r.skip_blanks()
        while r.peek() == "!":
            r.i += 1
            r.skip_blanks()
        command = r.peek()
        r.i += 1
        if not _command(r, out, command):
            out.unparsed = True
            return out
    return out


def sed_program(argv: Sequence[str]) -> tuple[SedScript, list[str], list[str]]:
    """The sed command `argv`'s script (all `-e` parts, or the first operand), the script
    files it loads (`-f`) and its file operands."""
    parsed = parse_options(argv, 1, _SED_OPTIONS)
    ops = [w for _, w in parsed.operands]
    texts = parsed.values("-e", "--expression")
    script_files = parsed.values("-f", "--file")
    if not texts and not script_files and ops:
        texts, ops = ops[:1], ops[1:]
    script = sed_script("\n".join(texts))
    if parsed.has("--sandbox"):  # GNU sed then rejects e, r and w
        script = SedScript()
    return script, script_files, [w for w in ops if w != "-"]
