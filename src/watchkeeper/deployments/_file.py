"""`<home>/deployments.json`: the registry's records, rewritten atomically under a lock file.

Readers never lock: every write replaces the file (new inode), so a reader sees the old or
the new version whole, and a `stat` per read tells it whether to re-parse. That keeps the
gateway's per-request lookup to one `stat` while a change made by the CLI is seen at once.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from watchkeeper.deployments._errors import RegistryFileError
from watchkeeper.deployments._model import Deployment
from watchkeeper.statefile import Reloading, StateFile

__all__ = ["DeploymentFile"]

_FORMAT_VERSION = 1


class DeploymentFile:
    """The deployments kept in the JSON file at `path` (mode 0600), by name."""

    def __init__(self, path: Path) -> None:
        self._file = StateFile(path)
        self._records: Reloading[dict[str, Deployment]] = Reloading(path, self._read, dict)

    @property
    def path(self) -> Path:
        """The registry file."""
        return self._file.path

    def current(self) -> dict[str, Deployment]:
        """Return the deployments by name, re-reading the file only when it changed on disk."""
        return self._records.current()

    def _read(self) -> dict[str, Deployment]:
        try:
            text = self._file.read_text()
        except OSError as exc:
            raise RegistryFileError(
                f"cannot read the deployment registry `{self.path}` ({exc.strerror}); "
                "check its permissions"
            ) from exc
        if text is None:
            return {}
        try:
            data = json.loads(text)
            found = [Deployment.model_validate(item) for item in data["deployments"]]
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise RegistryFileError(
                f"deployment registry `{self.path}` is corrupt ({first}); restore it from a "
                "backup — the ledger's `deployment` events record every change"
            ) from exc
        return {d.name: d for d in found}

    @contextlib.contextmanager
    def locked(self) -> Iterator[dict[str, Deployment]]:
        """Read-modify-write under an exclusive lock; the file is written only on success."""
        with self._file.locked():
            records = self._read()
            before = dict(records)
            yield records
            if records != before:
                payload = {
                    "version": _FORMAT_VERSION,
                    "deployments": [d.model_dump(mode="json") for d in records.values()],
                }
                self._file.write_text(json.dumps(payload, indent=2) + "\n")
