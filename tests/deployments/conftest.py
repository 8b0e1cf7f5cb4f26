"""Registry fixtures: a fresh home and its registry, on each ledger backend."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests._backends import LedgerBackend
from watchkeeper.deployments import Registry, open_registry


@pytest.fixture(autouse=True)
def _on_each_backend(ledger_backend: LedgerBackend) -> LedgerBackend:
    """Every test here runs on each ledger backend, sqlite and postgresql (`tests/_backends.py`)."""
    return ledger_backend


@pytest.fixture
def home() -> Iterator[Path]:
    """A fresh watchkeeper home."""
    with tempfile.TemporaryDirectory(prefix="wk-", dir="/tmp") as directory:
        yield Path(directory)


@pytest.fixture
def registry(home: Path) -> Registry:
    """The registry of `home`, recording into `home`'s ledger."""
    return open_registry(home)


Register = Callable[..., str]


@pytest.fixture
def register(registry: Registry) -> Register:
    """`register(name="ci-bot", **settings)`: register with an owner and purpose; the token."""

    def make(name: str = "ci-bot", **settings: Any) -> str:
        return registry.register(
            name, owner="alice", purpose="fixes CI", actor="tester", **settings
        )[1]

    return make
