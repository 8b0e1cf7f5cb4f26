"""Fixtures for every suite: the ledger backends (see `tests/_backends.py`)."""

from __future__ import annotations

from tests._backends import ledger_backend, postgres_schema, postgres_server, postgres_url

__all__ = ["ledger_backend", "postgres_schema", "postgres_server", "postgres_url"]
