"""Shared fixtures of the ledger tests: a signing key and events of every kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import (
    Decision,
    ErrorEvent,
    Event,
    Lifecycle,
    Message,
    Reasoning,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.ledger import SqliteLedger


def sample_events(count: int, *, session_id: str = "s1") -> list[Event]:
    """Return `count` events cycling through every record kind."""
    makers = [
        lambda i: ToolCall(session_id=session_id, tool="Bash", args={"command": f"ls {i}"}),
        lambda i: VerdictEvent(session_id=session_id, call_id=f"c{i}", decision=Decision.DENY),
        lambda i: ToolResult(session_id=session_id, tool="Bash", output=f"out {i} ünïcode"),
        lambda i: Reasoning(session_id=session_id, text=f"thinking {i}"),
        lambda i: Message(session_id=session_id, role="user", text=f"hello {i}"),
        lambda i: Lifecycle(session_id=session_id, phase="start", detail={"i": i}),
        lambda i: ErrorEvent(session_id=session_id, where="hook", message=f"bad {i}"),
    ]
    return [makers[i % len(makers)](i) for i in range(count)]


@pytest.fixture
def key() -> Ed25519PrivateKey:
    """A fresh Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The path of a ledger database that does not exist yet."""
    return tmp_path / "ledger.db"


@pytest.fixture
def ledger(db: Path, key: Ed25519PrivateKey) -> Iterator[SqliteLedger]:
    """An open, signing ledger that is closed after the test."""
    with SqliteLedger(db, signing_key=key, checkpoint_every=5) as store:
        yield store
