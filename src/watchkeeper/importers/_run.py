"""Importing files of one format into a ledger: which files, which reader, one file at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from watchkeeper.importers._claude_code import read_claude_code, transcript_files
from watchkeeper.importers._codex import read_codex
from watchkeeper.importers._errors import ImportFileError
from watchkeeper.importers._inspect import read_inspect_log
from watchkeeper.importers._trajectory import read_trajectories
from watchkeeper.importers._writer import FileImport, ParsedFile, record_file
from watchkeeper.ledger import LedgerStore

__all__ = ["FORMATS", "import_file", "input_files"]

Reader = Callable[..., ParsedFile]

_READERS: dict[str, Reader] = {
    "claude-code": read_claude_code,
    "inspect": read_inspect_log,
    "trajectory": read_trajectories,
    "codex": read_codex,
}
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "inspect": (".eval", ".json"),
    "trajectory": (".jsonl",),
    "codex": (".jsonl",),
}

FORMATS = tuple(_READERS)
"""The formats `import_file` reads."""


def _reader(fmt: str) -> Reader:
    if fmt not in _READERS:
        msg = f"import format `{fmt}` is unknown; use one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return _READERS[fmt]


def input_files(fmt: str, paths: Iterable[Path]) -> list[Path]:
    """Return the files of format `fmt` that `paths` name, each once, in a stable order.

    A directory stands for the files below it with the format's suffixes; Claude Code
    transcripts also bring their subagent transcripts (see `transcript_files`). Raises
    `ImportFileError` for a path that does not exist.
    """
    _reader(fmt)
    if fmt == "claude-code":
        return transcript_files(paths)
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            below = sorted(p for p in path.rglob("*") if p.is_file())
            found.update(dict.fromkeys(p for p in below if p.suffix in _SUFFIXES[fmt]))
        elif path.is_file():
            found[path] = None
        else:
            raise ImportFileError(path, None, "does not exist", "check the path")
    return list(found)


def import_file(
    ledger: LedgerStore, fmt: str, path: Path, *, deployment_id: str = "imported"
) -> FileImport:
    """Read `path` as format `fmt` and record what the ledger does not hold yet.

    Raises `ImportFileError` for a file that cannot be read (nothing of it is recorded) and
    `LedgerError` if the ledger refuses the batch.
    """
    parsed = _reader(fmt)(path, deployment_id=deployment_id)
    return record_file(ledger, path, fmt, parsed)
