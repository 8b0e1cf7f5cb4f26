"""The one failure an importer reports: a file, or a line of it, that cannot be imported."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ImportFileError"]


class ImportFileError(Exception):
    """A file cannot be imported; nothing of it was recorded, and the message says where and why.

    `path` is the file, `member` the archive member when the file is one (an Inspect ``.eval``
    zip), and `line` the 1-based line (None when the fault is not on one line).
    """

    def __init__(
        self,
        path: Path,
        line: int | None,
        problem: str,
        remedy: str,
        *,
        member: str | None = None,
    ) -> None:
        where = f"`{path}`" if member is None else f"`{path}` member `{member}`"
        if line is not None:
            where += f" line {line}"
        super().__init__(f"{where}: {problem}; {remedy}")
        self.path = path
        self.member = member
        self.line = line
