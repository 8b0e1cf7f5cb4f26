"""Small JSON state files in the watchkeeper home, shared safely between processes.

A `StateFile` is read without a lock (writers replace the file atomically, so a reader sees
the old or the new version, never half of one) and changed under an exclusive `flock` on a
sibling ``.lock`` file, so a CLI and a running gateway can both update it. Files are written
with mode 0600: they may name deployments, tools and hashes an attacker should not learn.

Because every write replaces the file (a new inode), a reader that keeps what it parsed can
tell from one `stat` whether to parse again: `Reloading` does that for the gateway's
per-request lookups of tokens and deployments.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar

__all__ = ["Reloading", "Stamp", "StateFile", "StateFileError", "file_stamp", "write_private"]

T = TypeVar("T")

Stamp = tuple[int, int, int]
"""A file version: (inode, modification time in ns, size)."""


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


def file_stamp(path: Path) -> Stamp | None:
    """Return the version of the file at `path`, or None when there is no file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class StateFile:
    """One JSON object on disk; `read()` it, or change it inside `with file.update() as data`.

    Files with their own format use the parts: `read_text()`, `locked()` and `write_text()`.
    """

    def __init__(self, path: Path) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        """Where the file lives."""
        return self._path

    def read_text(self) -> str | None:
        """Return the file's text, or None when the file does not exist."""
        try:
            return self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def read(self) -> dict[str, Any]:
        """Return the file's object ({} when the file does not exist)."""
        text = self.read_text()
        if text is None:
            return {}
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise StateFileError(f"`{self._path}` is not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise StateFileError(f"`{self._path}` should hold a JSON object")
        return data

    def write_text(self, text: str) -> None:
        """Replace the file with `text` (atomically, mode 0600); hold `locked()` around it."""
        write_private(self._path, text)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the file's exclusive writer lock (its directory is made if missing)."""
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self._path.with_name(self._path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def update(self) -> Iterator[dict[str, Any]]:
        """Yield the current object under an exclusive lock; write it back if no error."""
        with self.locked():
            data = self.read()
            yield data
            self.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


class Reloading(Generic[T]):
    """What `load` makes of the file at `path`, loaded again only when the file changed.

    `current()` costs one `stat` while the file is unchanged; with no file it returns
    `absent()`. Safe to share between threads.
    """

    def __init__(self, path: Path, load: Callable[[], T], absent: Callable[[], T]) -> None:
        self._path = path
        self._load = load
        self._absent = absent
        self._lock = threading.Lock()
        self._loaded: tuple[Stamp, T] | None = None

    def current(self) -> T:
        """Return the loaded value, loading it again if the file changed since."""
        stamp = file_stamp(self._path)
        if stamp is None:
            return self._absent()
        with self._lock:
            if self._loaded is None or self._loaded[0] != stamp:
                self._loaded = (stamp, self._load())
            return self._loaded[1]
