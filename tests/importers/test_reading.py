"""Reading a file to import."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.importers._errors import ImportFileError
from watchkeeper.importers._reading import read_import_file


def test_missing_file_is_an_import_error_naming_it(tmp_path: Path) -> None:
    """A file that cannot be read raises `ImportFileError` naming the path and the reason."""
    missing = tmp_path / "gone.jsonl"
    with pytest.raises(ImportFileError, match=r"gone\.jsonl.*cannot be read"):
        read_import_file(missing)


def test_readable_file_returns_its_bytes(tmp_path: Path) -> None:
    """A readable file's exact bytes come back."""
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    assert read_import_file(path) == b'{"a": 1}\n'
