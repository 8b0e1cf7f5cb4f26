"""`<home>/deployments.json`: the registry's records, rewritten atomically under a lock file.

Readers never lock: every write replaces the file (new inode), so a reader sees the old or
the new version whole, and a `stat` per read tells it whether to re-parse. That keeps the
gateway's per-request lookup to one `stat` while a change made by the CLI is seen at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from watchkeeper.deployments._errors import RegistryFileError
from watchkeeper.deployments._model import Deployment
from watchkeeper.gateway import write_private

__all__ = ["DeploymentFile"]

_FORMAT_VERSION = 1


class DeploymentFile:
    """The deployments kept in the JSON file at `path` (mode 0600), by name."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._records: dict[str, Deployment] = {}

    @property
    def path(self) -> Path:
        """The registry file."""
        return self._path

    def current(self) -> dict[str, Deployment]:
        """Return the deployments by name, re-reading the file only when it changed on disk."""
        try:
            st = self._path.stat()
        except FileNotFoundError:
            return {}
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._records = self._read()
                self._stamp = stamp
            return self._records

    def _read(self) -> dict[str, Deployment]:
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise RegistryFileError(
                f"cannot read the deployment registry `{self._path}` ({exc.strerror}); "
                "check its permissions"
            ) from exc
        try:
            data = json.loads(text)
            found = [Deployment.model_validate(item) for item in data["deployments"]]
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise RegistryFileError(
                f"deployment registry `{self._path}` is corrupt ({first}); restore it from a "
                "backup — the ledger's `deployment` events record every change"
            ) from exc
        return {d.name: d for d in found}

    @contextlib.contextmanager
    def locked(self) -> Iterator[dict[str, Deployment]]:
        """Read-modify-write under an exclusive lock; the file is written only on success."""
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self._path.with_name(self._path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            records = self._read()
            before = dict(records)
            yield records
            if records != before:
                payload = {
                    "version": _FORMAT_VERSION,
                    "deployments": [d.model_dump(mode="json") for d in records.values()],
                }
                write_private(self._path, json.dumps(payload, indent=2) + "\n")
        finally:
            os.close(fd)
