"""Opening a ledger by location: one factory, so callers never branch on the backend.

A location is a PostgreSQL url (``postgresql://…``) or a SQLite file path; without one,
`$WATCHKEEPER_DB` decides, and without that the ledger is `<home>/ledger.db`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from watchkeeper.ledger._keys import SigningKeyFile, load_or_create_key
from watchkeeper.ledger._location import is_postgres_url
from watchkeeper.ledger._sqlite import LEDGER_FILE_NAME, SqliteLedger

if TYPE_CHECKING:
    from watchkeeper.ledger._postgres import PostgresLedger

__all__ = ["DB_ENV", "ledger_location", "open_ledger"]

DB_ENV = "WATCHKEEPER_DB"


def ledger_location(home: Path, url: str | None = None) -> str | Path:
    """Return where the ledger lives: a PostgreSQL url or a SQLite file path.

    `url` wins (a ``postgresql://`` url or a file path); otherwise `$WATCHKEEPER_DB`;
    otherwise `<home>/ledger.db`.
    """
    target = url or os.environ.get(DB_ENV) or ""
    if is_postgres_url(target):
        return target
    return Path(target).expanduser() if target else home / LEDGER_FILE_NAME


def open_ledger(
    home: Path,
    url: str | None = None,
    *,
    checkpoint_every: int = 1000,
    checkpoint_interval: float = 60.0,
) -> SqliteLedger | PostgresLedger:
    """Open the ledger at `ledger_location(home, url)`, signing with `<home>/keys/ledger.key`.

    The key is created if absent, and read again whenever the file is replaced (so a
    `rotate-key` reaches the open store at its next checkpoint). Gateways sharing one
    PostgreSQL ledger must share that key, or `ledger verify` will name the checkpoints signed
    by the others.
    """
    location = ledger_location(home, url)
    load_or_create_key(home / "keys")
    key = SigningKeyFile(home / "keys")
    if isinstance(location, str):
        # Imported here: the driver costs ~0.1 s at start-up, which local hooks never need.
        from watchkeeper.ledger._postgres import PostgresLedger

        return PostgresLedger(
            location,
            signing_key=key,
            checkpoint_every=checkpoint_every,
            checkpoint_interval=checkpoint_interval,
        )
    return SqliteLedger(
        location,
        signing_key=key,
        checkpoint_every=checkpoint_every,
        checkpoint_interval=checkpoint_interval,
    )
