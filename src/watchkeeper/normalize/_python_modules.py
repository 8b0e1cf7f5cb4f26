"""What `python -m MODULE …` does when MODULE is one of the standard library's programs.

``python -m cProfile /tmp/x.py`` runs ``/tmp/x.py``, ``python -m timeit 'CODE'`` runs CODE,
``python -m json.tool ~/.aws/credentials`` prints that file and ``python -m zipfile -c
out.zip ~/.ssh`` copies a directory: the module is only the frame, the operands say what
runs, what is read and what is written. Modules not listed here are taken for the
project's own (a script, as before).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from watchkeeper.normalize._options import OptionSpec, parse_options

__all__ = ["ModuleUse", "module_use"]

#: Modules that run a script operand (options with a value first).
_RUNNERS: dict[str, OptionSpec] = {
    "cProfile": OptionSpec(short="os", long=frozenset({"outfile", "sort"})),
    "profile": OptionSpec(short="os", long=frozenset({"outfile", "sort"})),
    "trace": OptionSpec(
        short="fCr", long=frozenset({"file", "coverdir", "ignore-module", "ignore-dir"})
    ),
    "pdb": OptionSpec(short="c", long=frozenset({"command"})),
    "doctest": OptionSpec(short="o", long=frozenset({"option"})),
}
#: Modules whose operands are files they read.
_READERS = frozenset(
    {"base64", "quopri", "uu", "tokenize", "ast", "dis", "tabnanny", "pickletools",
     "py_compile", "mimetypes", "gzip", "filecmp", "pyclbr", "symtable"}
)  # fmt: skip


@dataclass(slots=True)
class ModuleUse:
    """The argv index of a script the module runs (or the `module` it runs), inline code,
    files read and written."""

    script: int | None = None
    module: str | None = None
    inline: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)


def _archive(args: Sequence[str], out: ModuleUse) -> None:
    """`zipfile`/`tarfile`: `-c ARCHIVE SRC…` creates, `-e ARCHIVE DIR` extracts."""
    if not args:
        return
    flag, rest = args[0], list(args[1:])
    if flag in ("-c", "--create") and rest:
        out.writes.append(rest[0])
        out.reads.extend(rest[1:])
    elif flag in ("-e", "--extract") and rest:
        out.reads.append(rest[0])
        out.writes.append(rest[1] if len(rest) > 1 else ".")
    else:
        out.reads.extend(w for w in rest if not w.startswith("-"))


def module_use(module: str, argv: Sequence[str], start: int) -> ModuleUse | None:
    """What `python -m module` with its arguments at `argv[start:]` runs, reads and writes;
    None when the module is not one of the standard library programs known here."""
    out = ModuleUse()
    args = argv[start:]
    if module in _RUNNERS:
        spec = _RUNNERS[module]
        parsed = parse_options(argv, start, OptionSpec(spec.short + "m", spec.long, True))
        if parsed.values("-m"):
            out.module = parsed.values("-m")[-1]
        elif parsed.operands:
            out.script = parsed.operands[0][0]
    elif module == "timeit":
        parsed = parse_options(argv, start, OptionSpec(short="nrsu", long=frozenset({"setup"})))
        out.inline.extend([*parsed.values("-s", "--setup"), *(w for _, w in parsed.operands)])
    elif module == "json.tool":
        files = [w for w in args if not w.startswith("-")]
        out.reads.extend(files[:1])
        out.writes.extend(files[1:2])
    elif module in ("zipfile", "tarfile"):
        _archive(args, out)
    elif module in _READERS:
        out.reads.extend(w for w in args if not w.startswith("-"))
    elif module == "venv":
        out.writes.extend(w for w in args if not w.startswith("-"))
    else:
        return None
    return out
