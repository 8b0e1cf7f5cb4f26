"""`LedgerSource.last_checkpoint` returns the newest signed checkpoint on either backend."""

from __future__ import annotations

from tests.ledger.conftest import Backend, Store, sample_events


def test_last_checkpoint_is_the_newest(backend: Backend, ledger_store: Store) -> None:
    """After 12 appends with a checkpoint every 5 records the newest checkpoint is at 10."""
    assert backend.source().last_checkpoint() is None
    for event in sample_events(12):
        ledger_store.append([event])
    ledger_store.close()
    checkpoint = backend.source().last_checkpoint()
    assert checkpoint is not None
    assert checkpoint.seq == max(backend.checkpoint_seqs())
    assert checkpoint.seq >= 10
