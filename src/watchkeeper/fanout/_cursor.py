"""The publisher's place in the ledger: the last sequence number JetStream acknowledged."""

from __future__ import annotations

import json
from pathlib import Path

from watchkeeper.fanout._config import FanoutConfig
from watchkeeper.statefile import write_private

__all__ = ["Cursor", "CursorError", "cursor_path"]


class CursorError(Exception):
    """The cursor file exists but does not hold a sequence number; fix or delete it."""


class Cursor:
    """A sequence number kept in one small file, replaced atomically on every `save`."""

    def __init__(self, path: Path) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        """Where the cursor lives."""
        return self._path

    def load(self) -> int:
        """Return the saved sequence number (0 when the file does not exist)."""
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return 0
        try:
            seq = json.loads(text)["seq"]
        except (ValueError, KeyError, TypeError) as exc:
            raise CursorError(
                f"publisher cursor `{self._path}` is unreadable ({exc}); delete it to republish "
                "the whole ledger (JetStream drops duplicates within its window)"
            ) from exc
        if not isinstance(seq, int) or seq < 0:
            raise CursorError(
                f"publisher cursor `{self._path}` holds `{seq}`, not a sequence number; delete it"
            )
        return seq

    def save(self, seq: int) -> None:
        """Durably record that everything up to `seq` is published."""
        write_private(self._path, json.dumps({"seq": seq}) + "\n")


def cursor_path(home: Path, config: FanoutConfig) -> Path:
    """Return where the publisher of a SQLite ledger for `config` keeps its cursor in `home`."""
    return home / f"fanout-{config.prefix}.cursor"
