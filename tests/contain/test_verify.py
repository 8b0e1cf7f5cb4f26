"""The checks behind a containment report: listeners held, calls accepted after revocation.

The ledger checks run on both backends: `$WATCHKEEPER_DB` unset (the home's file) or set to a
fresh PostgreSQL schema.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

from tests._backends import LedgerBackend
from watchkeeper.clock import utcnow
from watchkeeper.contain._verify import (
    accepted_calls_since,
    ledger_seq,
    listeners_left,
    listeners_of,
)
from watchkeeper.events import Decision, ToolCall, VerdictEvent
from watchkeeper.ledger import open_ledger


def test_listener_held_by_a_process_is_found_and_gone_after_close() -> None:
    """A listening socket of this process is reported; once closed it is not."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    inode = os.fstat(listener.fileno()).st_ino
    assert inode in listeners_of([os.getpid()])
    listener.close()
    assert inode not in listeners_of([os.getpid()])


def test_a_listener_closed_within_the_grace_is_not_left() -> None:
    """A socket that leaves the kernel's table a moment after the kill does not count."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held = listeners_of([os.getpid()])
    assert held
    closing = threading.Timer(0.2, listener.close)
    closing.start()
    try:
        assert listeners_left(held, grace=5.0) == []
    finally:
        closing.cancel()
        listener.close()


def test_a_listener_still_bound_after_the_grace_is_left() -> None:
    """A socket still listening when the grace runs out is reported with its address."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        held = listeners_of([os.getpid()])
        assert listeners_left(held, grace=0.05) == list(held.values())


def test_a_call_accepted_after_revocation_is_counted(
    tmp_path: Path, ledger_backend: LedgerBackend
) -> None:
    """A tool call and an allow verdict after `since` count; a deny and other targets do not."""
    with open_ledger(tmp_path) as ledger:
        ledger.append([ToolCall(deployment_id="bot", session_id="s1", tool="Bash")])
        seq = ledger_seq(tmp_path)
        since = utcnow()
        ledger.append(
            [
                ToolCall(deployment_id="bot", session_id="s1", tool="Bash"),
                VerdictEvent(
                    deployment_id="bot", session_id="s1", call_id="c", decision=Decision.ALLOW
                ),
                VerdictEvent(
                    deployment_id="bot", session_id="s1", call_id="c", decision=Decision.DENY
                ),
                ToolCall(deployment_id="other", session_id="s9", tool="Bash"),
            ]
        )
    assert accepted_calls_since(tmp_path, seq, since, {"bot"}, set()) == 2
    assert accepted_calls_since(tmp_path, seq, since, {"nobody"}, {"s1"}) == 2
    assert accepted_calls_since(tmp_path, seq, since, {"nobody"}, set()) == 0
    assert seq == 1
    assert (tmp_path / "ledger.db").exists() == (ledger_backend.url is None)


def test_an_empty_ledger_has_head_zero(tmp_path: Path, ledger_backend: LedgerBackend) -> None:
    """A ledger with nothing recorded (no file, or an empty schema) reports head 0."""
    del ledger_backend  # selected through the environment
    assert ledger_seq(tmp_path) == 0
    assert accepted_calls_since(tmp_path, 0, utcnow(), {"bot"}, set()) == 0
