"""Fixtures of the SDK client tests: each runs on both ledger backends."""

from __future__ import annotations

import pytest
from tests._backends import LedgerBackend


@pytest.fixture(autouse=True)
def _on_each_backend(ledger_backend: LedgerBackend) -> LedgerBackend:
    """Every test here runs on each ledger backend, sqlite and postgresql (`tests/_backends.py`)."""
    return ledger_backend
