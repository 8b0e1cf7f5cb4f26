"""A real ledger per test and the real sample files of every imported format."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._backends import LedgerBackend
from watchkeeper.events import Event
from watchkeeper.ledger import (
    PUBLIC_KEY_NAME,
    LedgerStore,
    ledger_source,
    load_public_key,
    open_ledger,
)

FORMATS = Path(__file__).parents[2] / ".." / "shared" / "formats"
TRANSCRIPTS = FORMATS / "claude_code_transcripts"
INSPECT = FORMATS / "inspect_ai"
CORPUS = Path(__file__).parents[2] / "src" / "watchkeeper" / "evals" / "corpus"


@pytest.fixture(autouse=True)
def _on_each_backend(ledger_backend: LedgerBackend) -> LedgerBackend:
    """Every test here runs on each ledger backend, sqlite and postgresql (`tests/_backends.py`)."""
    return ledger_backend


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[LedgerStore]:
    """An empty, signed ledger of a fresh home (`tmp_path`) on the test's backend."""
    with open_ledger(tmp_path) as store:
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


def verifies(home: Path) -> bool:
    """Whether `home`'s whole chain and its checkpoints verify with the home's public key."""
    key = load_public_key(home / "keys" / PUBLIC_KEY_NAME)
    return ledger_source(home).verify(key).ok
