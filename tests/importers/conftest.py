"""A real ledger per test and the real sample files of every imported format."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ledger.conftest import (  # noqa: F401 - fixtures shared with the ledger tests
    postgres_schema,
    postgres_server,
    postgres_url,
)
from watchkeeper.events import Event
from watchkeeper.ledger import (
    PUBLIC_KEY_NAME,
    LedgerStore,
    SqliteLedger,
    load_public_key,
    open_ledger,
    verify_ledger,
)

FORMATS = Path(__file__).parents[2] / ".." / "shared" / "formats"
TRANSCRIPTS = FORMATS / "claude_code_transcripts"
INSPECT = FORMATS / "inspect_ai"
CORPUS = Path(__file__).parents[2] / "src" / "watchkeeper" / "evals" / "corpus"


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[SqliteLedger]:
    """An empty, signed SQLite ledger in a fresh home."""
    store = open_ledger(tmp_path)
    assert isinstance(store, SqliteLedger)
    with store:
        yield store


def recorded(ledger: LedgerStore, session_id: str | None = None) -> list[Event]:
    """Every event of `session_id` (or of the whole ledger), in ledger order."""
    return [event for _, event in ledger.events(session_id=session_id)]


def kinds(events: list[Event]) -> Counter[str]:
    """How many events of each kind, with the `imported` markers left out."""
    return Counter(
        e.kind
        for e in events
        if not (e.kind == "lifecycle" and getattr(e, "phase", "") == "imported")
    )


def verifies(ledger: SqliteLedger) -> bool:
    """Whether the ledger's whole chain and its checkpoints verify with the home's public key."""
    key = load_public_key(ledger.path.parent / "keys" / PUBLIC_KEY_NAME)
    return verify_ledger(ledger.path, key).ok
