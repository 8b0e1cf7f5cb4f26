"""Append-only store: canonical JSON, hash chain, commitments, checkpoints, verify."""

from watchkeeper.ledger._store import LedgerStore, Receipt

__all__ = ["LedgerStore", "Receipt"]
