"""`xargs`: what the command it runs gets from xargs's input, and whether that is code.

xargs reads items from its standard input (blank-separated words that honour quotes and
backslashes; with ``-0``/``-d C`` split on that delimiter; with ``-I R`` one item per line)
and appends them to the command it wraps, or puts each where ``R`` stands. The wrapped
command's own standard input is ``/dev/null``. So ``printf %s 'curl … | sh' | xargs -0 sh -c``
and ``… | xargs -I{} sh -c '{}'`` take their *program* from the pipe, just as ``… | sh``
does, ``… | xargs sudo`` its command name, and ``echo ~/.ssh/id_rsa | xargs cat`` reads
that file.

The walker uses this module to tell whether the items land where code goes (`XargsUse.code`)
and, when the input is a literal it can see (``echo``/``printf``/here-string), to write out
the commands xargs would run (`commands`), which it then parses like any other line.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from watchkeeper.normalize._action import CodeExec
from watchkeeper.normalize._cmd import Cmd, source_kind
from watchkeeper.normalize._code import SHELLS, code_of
from watchkeeper.normalize._fastlex import lex_simple
from watchkeeper.normalize._options import parse_options
from watchkeeper.normalize._wrappers import XARGS_OPTIONS, Peeled, peel

__all__ = [
    "MAX_ITEMS",
    "Slot",
    "XargsUse",
    "commands",
    "items",
    "unseen_input",
    "xargs_of",
    "xargs_use",
]

#: More literal items than this are not written out; the input then counts as unseen.
MAX_ITEMS = 32
#: Where xargs's items land in the command it runs: its name, or its program text.
Slot = Literal["name", "program"]
# Stands for an item in a probe of the wrapped command; a NUL never occurs in a real argv.
_ITEM = "\x00item\x00"
# Stands for an item inside a `sh -c` program checked with the fast lexer (which refuses
# NULs and braces).
_WORD = "wkxargsitem"


@dataclass(frozen=True, slots=True)
class XargsUse:
    """How one `xargs` feeds the command it wraps.

    `argv` is the whole simple command (wrappers before and after `xargs` included) and
    `first` the index in it of the command xargs runs (where its own options end);
    `replace` is the ``-I``/``-i`` string, `delimiter` ``"\\0"`` for ``-0``, the ``-d``
    character, or None for blank-separated words; `arg_file` the ``-a`` file the items come
    from instead of standard input; `code` where an item lands when that is the command's
    name or program (None when items are only arguments); `outer` the wrappers around the
    whole simple command (a ``bash -c`` it is inside of, say).
    """

    argv: tuple[str, ...]
    first: int
    replace: str | None
    delimiter: str | None
    arg_file: str | None
    code: Slot | None
    outer: tuple[str, ...] = ()


def xargs_of(
    argv: Sequence[str], start: int, peeled: Peeled, outer: tuple[str, ...]
) -> XargsUse | None:
    """How an `xargs` peeled off `argv` feeds the command at `start`; None without one."""
    at = peeled.xargs_at
    if at is None or peeled.replaced is not None or at >= start:
        return None
    return xargs_use(argv, at, outer)


def unseen_input(use: XargsUse, feeders: Sequence[Cmd], detail: str) -> CodeExec | None:
    """The code xargs runs when `feeders`, not a literal, write the program it is handed:
    decoded or downloaded data, a `cat FILE` script, else opaque (`eval`). None when the
    items are only arguments."""
    if not use.code:
        return None
    kind = source_kind(list(feeders))
    if kind is not None:
        return CodeExec(kind, detail)
    last = feeders[-1] if feeders else None
    if last is not None and last.cat_files:
        return CodeExec("script", last.cat_files[0])
    return CodeExec("eval", detail)


def xargs_use(argv: Sequence[str], at: int, outer: tuple[str, ...]) -> XargsUse:
    """Describe the `xargs` at `argv[at]` and the command it runs."""
    parsed = parse_options(argv, at + 1, XARGS_OPTIONS)
    first = parsed.end if parsed.operands else len(argv)
    replace: str | None = None
    values = parsed.values("-I", "--replace")
    if values:
        replace = values[-1] or "{}"
    elif parsed.has("--replace"):
        replace = "{}"
    for word in argv[at + 1 : first]:
        if word.startswith("-i") and not word.startswith("--"):
            replace = word[2:] or "{}"
    delimiter: str | None = "\0" if parsed.has("-0", "--null") else None
    delimiters = parsed.values("-d", "--delimiter")
    if delimiters and delimiters[-1]:
        raw = delimiters[-1]
        delimiter = {"\\n": "\n", "\\t": "\t", "\\0": "\0"}.get(raw, raw[0])
    files = parsed.values("-a", "--arg-file")
    if replace:
        probed = [*argv[:first], *(w.replace(replace, _ITEM) for w in argv[first:])]
    else:
        probed = [*argv, _ITEM]
    final = probed[peel(probed).start :]
    slot = _slot(final, _ITEM)
    if slot == "program" and replace and _only_arguments(final):
        slot = None
    return XargsUse(
        tuple(argv), first, replace, delimiter, files[-1] if files else None, slot, outer
    )


def _slot(final: Sequence[str], marker: str) -> Slot | None:
    """Where `marker` sits in `final`, a command with wrappers peeled: its name, a place
    holding code (a ``-c`` string, inline code, a script operand, ``eval`` words), or
    neither."""
    if not final:
        return None
    if marker in final[0]:
        return "name"
    name = final[0].rsplit("/", 1)[-1]
    use = code_of(name, final)
    places = [final[index] for index, _ in use.shell]
    places += [detail for _, detail in use.inline]
    for index in (use.script, use.source):
        if index is not None:
            places.append(final[index])
    if use.eval_words is not None:
        places += final[use.eval_words[0] : use.eval_words[1]]
    return "program" if any(marker in place for place in places) else None


def _only_arguments(final: Sequence[str]) -> bool:
    """True when `final` is a shell whose ``-c`` program is a plain line that has each
    replaced item only as an argument (``sh -c 'wc -l "{}"'``): the input is then data,
    not code (the program's commands are known)."""
    name = final[0].rsplit("/", 1)[-1]
    if name not in SHELLS:
        return False
    use = code_of(name, final)
    if use.inline or use.script is not None or not use.shell:
        return False
    for index, _ in use.shell:
        lines = lex_simple(final[index].replace(_ITEM, _WORD))
        if lines is None:
            return False
        for pipeline in lines:
            for simple in pipeline:
                inner = simple.argv[peel(simple.argv).start :]
                if not inner or _slot(inner, _WORD) is not None:
                    return False
    return True


def items(text: str, delimiter: str | None, replace: str | None) -> list[str] | None:
    """Split xargs input `text` into items; None when it cannot (unbalanced quotes)."""
    if delimiter is not None:
        parts = text.split(delimiter)
        if parts and parts[-1] in ("", "\n"):
            parts.pop()
        return parts
    if replace:
        return [line.lstrip() for line in text.splitlines() if line.strip()]
    try:
        return shlex.split(text)
    except ValueError:
        return None


def commands(use: XargsUse, found: Sequence[str]) -> list[str] | None:
    """Return the command lines xargs runs for the items `found`; None when too many.

    With a replace string, one command per item. Otherwise all items go on one command line,
    except when they are the program: then each item gets its own line, so every item that
    could be a program (``xargs -n1 sh -c``) is parsed as one.
    """
    if len(found) > MAX_ITEMS:
        return None
    if use.replace:
        head, tail = use.argv[: use.first], use.argv[use.first :]
        return [
            shlex.join([*head, *(word.replace(use.replace, item) for word in tail)])
            for item in found
        ]
    if use.code == "program":
        return [shlex.join([*use.argv, item]) for item in found]
    return [shlex.join([*use.argv, *found])] if found else []
