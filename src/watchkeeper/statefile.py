"""Small JSON state files in the watchkeeper home, shared safely between processes.

A `StateFile` is read without a lock (writers replace the file atomically, so a reader sees
the old or the new version, never half of one) and changed under an exclusive `flock` on a
sibling ``.lock`` file, so a CLI and a running gateway can both update it. Files are written
with mode 0600: they may name deployments, tools and hashes an attacker should not learn.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["StateFile", "StateFileError", "write_private"]


class StateFileError(RuntimeError):
    """A state file exists but is not the JSON object it should be."""


def write_private(path: Path, text: str) -> None:
    """Atomically replace `path` with `text`, readable and writable by the owner only."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class StateFile:
    """One JSON object on disk; `read()` it, or change it inside `with file.update() as data`."""

    def __init__(self, path: Path) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        """Where the file lives."""
        return self._path

    def read(self) -> dict[str, Any]:
        """Return the file's object ({} when the file does not exist)."""
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise StateFileError(f"`{self._path}` is not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise StateFileError(f"`{self._path}` should hold a JSON object")
        return data

    @contextlib.contextmanager
    def update(self) -> Iterator[dict[str, Any]]:
        """Yield the current object under an exclusive lock; write it back if no error."""
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self._path.with_name(self._path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            data = self.read()
            yield data
            write_private(self._path, json.dumps(data, indent=2, sort_keys=True) + "\n")
        finally:
            os.close(fd)
