"""Hook events that could not be delivered, kept on disk until the next successful call.

One JSON file per event under ``$WATCHKEEPER_HOME/spool/``, named so that sorting the names
gives the order they were written in. Standard library only: this runs in the hook process.
"""

from __future__ import annotations

import os

__all__ = ["MAX_SPOOL_FILES", "pending", "spool"]

#: Past this many waiting events the oldest are kept and new ones are not spooled.
MAX_SPOOL_FILES = 10_000


def spool(spool_dir: str, document: bytes) -> str | None:
    """Write `document` as a new spool file and return its path (None when the spool is full)."""
    import time

    os.makedirs(spool_dir, mode=0o700, exist_ok=True)
    if len(os.listdir(spool_dir)) >= MAX_SPOOL_FILES:
        return None
    path = os.path.join(spool_dir, f"{time.time_ns():020d}-{os.getpid()}.json")
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, document)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def pending(spool_dir: str, *, limit: int) -> list[str]:
    """Return the paths of up to `limit` spooled events, oldest first."""
    try:
        names = sorted(n for n in os.listdir(spool_dir) if n.endswith(".json"))
    except OSError:
        return []
    return [os.path.join(spool_dir, n) for n in names[:limit]]
