"""Agents' own JSON config files: read one as an object, replace it safely with a backup.

Installers change files people also edit by hand (Claude Code settings, MCP client configs).
A change never half-writes one: the old file is copied beside it first
(`<name>.watchkeeper-backup-<UTC stamp>`), the new text goes to a temporary file in the same
directory with the old file's mode, and replaces it atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from watchkeeper.clock import utcnow

__all__ = ["ConfigFileError", "read_json_object", "replace_with_backup"]


class ConfigFileError(Exception):
    """A config file cannot be read as a JSON object; nothing was written."""


def read_json_object(path: Path) -> dict[str, Any]:
    """Return the JSON object in `path` ({} when missing or empty); `ConfigFileError` otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigFileError(f"cannot read `{path}` ({exc}); check its permissions") from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigFileError(
            f"`{path}` is not valid JSON ({exc}); fix it or move it aside and run again"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigFileError(f"`{path}` does not hold a JSON object; fix it and run again")
    return data


def replace_with_backup(path: Path, data: dict[str, Any]) -> Path | None:
    """Back up `path` (if it exists) and atomically replace it with `data`; return the backup."""
    backup = None
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = 0o644
    if path.exists():
        mode = path.stat().st_mode & 0o777
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        backup = path.with_name(f"{path.name}.watchkeeper-backup-{stamp}")
        backup.write_bytes(path.read_bytes())
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return backup
