"""Checks after a kill: which listeners are still bound, which calls the ledger accepted."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from watchkeeper.events import Decision
from watchkeeper.ledger import LedgerError, LedgerNotFoundError, ledger_source
from watchkeeper.supervise import listening_inodes, socket_inodes

__all__ = ["accepted_calls_since", "ledger_seq", "listeners_left", "listeners_of"]

#: How long a killed process's listening sockets may take to leave the kernel's tables.
LISTENER_GRACE_SECONDS = 1.0

#: Records the supervisor and the kill switch write themselves, not calls an agent made.
_NOT_CALLS = frozenset({"process", "deployment", "alert", "error"})


def listeners_of(pids: Iterable[int]) -> dict[int, str]:
    """Return the listening TCP sockets (inode → address) held by any of `pids`."""
    listening = listening_inodes()
    held: dict[int, str] = {}
    for pid in pids:
        for inode in socket_inodes(pid) & listening.keys():
            held[inode] = listening[inode]
    return held


def listeners_left(held: dict[int, str], *, grace: float = LISTENER_GRACE_SECONDS) -> list[str]:
    """Return the addresses of `held` listeners still bound after up to `grace` seconds.

    A killed process closes its sockets as it exits, a moment after the kill reports it gone
    (slower on a loaded host), so the check polls before it calls a listener left behind.
    """
    deadline = time.monotonic() + grace
    while True:
        still = listening_inodes()
        left = [address for inode, address in held.items() if inode in still]
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.01)


def ledger_seq(home: Path) -> int:
    """Return the head sequence number of `home`'s ledger (0 when there is no ledger yet).

    The ledger is `$WATCHKEEPER_DB` (PostgreSQL) or `<home>/ledger.db`.
    """
    try:
        return ledger_source(home).head().seq
    except LedgerNotFoundError:
        return 0


def accepted_calls_since(
    home: Path, after_seq: int, since: datetime, deployments: set[str], sessions: set[str]
) -> int | None:
    """Count agent calls recorded for the targets after `since` that were not denied.

    None means the ledger could not be read: the check failed, it did not pass.
    """
    count = 0
    try:
        for _seq, event in ledger_source(home).events(after_seq=after_seq):
            if event.kind in _NOT_CALLS or event.ts < since:
                continue
            if event.deployment_id not in deployments and event.session_id not in sessions:
                continue
            if event.kind == "verdict" and event.decision == Decision.DENY:
                continue
            count += 1
    except LedgerNotFoundError:
        return 0
    except (LedgerError, OSError):
        return None
    return count
