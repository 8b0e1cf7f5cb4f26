"""The scrape token: a bearer secret that lets Prometheus read `/metrics` and nothing else."""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from watchkeeper.gateway import TOKEN_PREFIX
from watchkeeper.statefile import write_private

__all__ = ["SCRAPE_TOKEN_FILE", "ensure_scrape_token"]

#: The scrape token's file in a watchkeeper home.
SCRAPE_TOKEN_FILE = "metrics.token"  # noqa: S105 - a file name, not a secret
_MARK = TOKEN_PREFIX + "metrics_"


def ensure_scrape_token(path: Path) -> str:
    """Return the scrape token in `path`, writing a new one there (mode 0600) if it has none.

    Delete the file and restart the gateway to rotate it.
    """
    with contextlib.suppress(FileNotFoundError):
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    token = _MARK + secrets.token_urlsafe(32)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_private(path, token + "\n")
    return token
