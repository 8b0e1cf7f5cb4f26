"""JSON Lines as the transcript formats use them: one JSON object per line, blanks allowed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from watchkeeper.importers._errors import ImportFileError

__all__ = ["json_lines"]


def json_lines(path: Path, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Return `(line number, object)` for each non-blank line of JSONL file `path` (`data`).

    Raises `ImportFileError` naming the first line that is not a JSON object.
    """
    records: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError as exc:
            problem = f"not valid JSON ({exc})"
            raise ImportFileError(path, number, problem, "fix or remove that line") from exc
        if not isinstance(record, dict):
            problem = f"a JSON {type(record).__name__}, not an object"
            raise ImportFileError(path, number, problem, "fix or remove that line")
        records.append((number, record))
    return records
