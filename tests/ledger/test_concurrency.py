"""Group commit under many concurrent submitters, on both backends."""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.ledger import Receipt

from .conftest import Backend, sample_events

THREADS = 32
APPENDS = 20


def test_concurrent_submitters_share_commits_without_gaps(
    backend: Backend, key: Ed25519PrivateKey
) -> None:
    """Many threads appending at once share transactions; receipts are gapless and ordered."""
    results: dict[int, list[Receipt]] = {}
    barrier = threading.Barrier(THREADS)
    with backend.open(signing_key=key) as store:

        def worker(n: int) -> None:
            barrier.wait()
            mine: list[Receipt] = []
            for _ in range(APPENDS):
                mine += store.append(sample_events(1, session_id=f"t{n}"))
            results[n] = mine

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = store.stats()
    total = THREADS * APPENDS
    assert sorted(r.seq for rs in results.values() for r in rs) == list(range(1, total + 1))
    for receipts in results.values():
        assert [r.seq for r in receipts] == sorted(r.seq for r in receipts)
    assert stats.events == total
    assert stats.events / stats.commits > 1
    assert backend.verify(key.public_key()).ok
