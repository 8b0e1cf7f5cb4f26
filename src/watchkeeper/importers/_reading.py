"""Read a file to import, turning an operating-system failure into `ImportFileError`."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.importers._errors import ImportFileError

__all__ = ["read_import_file"]


def read_import_file(path: Path) -> bytes:
    """Return the bytes of `path`, or raise `ImportFileError` saying why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportFileError(path, None, f"cannot be read ({exc.strerror})", "check it") from exc
