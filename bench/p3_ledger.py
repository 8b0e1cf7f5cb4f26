"""P3: durable, hash-chained ledger ingest with many concurrent submitters.

Every figure is acknowledged-durable: an `append` returns only after the SQLite commit (WAL,
`synchronous=FULL`) that holds its events. The baseline, measured in the same
run on the same events, is plain SQLite: serialise each event to canonical JSON and insert
them all with one `executemany` in one transaction (WAL, `synchronous=FULL`), with no hashing,
no salts, no signatures and no threads.

Each note also gives the process CPU time per event (every thread, user and system) over the
timed window: on a shared machine the rate follows the CPU the run is given, while the CPU
per event is the cost of the code itself.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench._report import Figure
from watchkeeper.events import Event, ToolCall, canonical_json
from watchkeeper.ledger import SqliteLedger, verify_ledger

EVENTS = 40_000
THREADS = 64
BATCH = 64
ROUNDS = 3
GOAL = 50_000


def _events(count: int) -> list[Event]:
    return [
        ToolCall(
            session_id=f"session-{i % 50}",
            tool="Bash",
            args={"command": f"grep -rn 'TODO' src/module_{i}.py", "description": "find todos"},
            tool_use_id=f"toolu_{i:08d}",
            cwd="/home/dev/project",
            source="claude_code",
        )
        for i in range(count)
    ]


class _Rate(NamedTuple):
    """One timed run: events per second, process CPU microseconds per event, events per commit."""

    per_second: float
    cpu_us: float
    per_commit: float


def _ledger_rate(events: Sequence[Event], per_call: int, key: Ed25519PrivateKey) -> _Rate:
    """Time THREADS threads appending `per_call` events a call; verify the ledger afterwards."""
    chunks = [events[i : i + per_call] for i in range(0, len(events), per_call)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ledger.db"
        lock = threading.Lock()
        position = iter(chunks)
        with SqliteLedger(db, signing_key=key) as store:

            def worker() -> None:
                while True:
                    with lock:
                        chunk = next(position, None)
                    if chunk is None:
                        return
                    store.append(chunk)

            threads = [threading.Thread(target=worker) for _ in range(THREADS)]
            start = time.perf_counter()
            cpu = time.process_time()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu
            stats = store.stats()
        report = verify_ledger(db, key.public_key())
        if not report.ok or report.records_checked != len(events):
            raise RuntimeError(f"benchmark ledger does not verify: {report.reason}")
    return _Rate(
        len(events) / elapsed, cpu / len(events) * 1e6, stats.events / max(stats.commits, 1)
    )


def _baseline_rate(events: Sequence[Event]) -> _Rate:
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "plain.db", isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("CREATE TABLE events (id TEXT NOT NULL, payload BLOB NOT NULL)")
            start = time.perf_counter()
            cpu = time.process_time()
            rows = [(e.id, canonical_json(e.model_dump(mode="json"))) for e in events]
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO events (id, payload) VALUES (?, ?)", rows)
            conn.execute("COMMIT")
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu
        finally:
            conn.close()
    return _Rate(len(events) / elapsed, cpu / len(events) * 1e6, len(events))


def run() -> list[Figure]:
    events = _events(EVENTS)
    key = Ed25519PrivateKey.generate()
    baseline = max(_baseline_rate(events) for _ in range(ROUNDS))
    batched = max(_ledger_rate(events, BATCH, key) for _ in range(ROUNDS))
    single = max(_ledger_rate(events, 1, key) for _ in range(ROUNDS))
    common = (
        f"{EVENTS:,} ToolCall events, {THREADS} submitting threads, best of {ROUNDS}; "
        "each ack after a synchronous=FULL commit; the ledger verifies afterwards"
    )
    cpu = f"baseline {baseline.cpu_us:.1f} µs CPU per event"
    return [
        Figure(
            id="P3",
            what=f"durable hash-chained appends, {THREADS} threads x batches of {BATCH}",
            value=batched.per_second,
            unit="events/s",
            goal=f"≥ {GOAL:,} events/s",
            met=batched.per_second >= GOAL,
            baseline="plain executemany, one transaction",
            baseline_value=baseline.per_second,
            note=(
                f"{common}; mean {batched.per_commit:,.0f} events per commit; "
                f"{batched.cpu_us:.1f} µs CPU per event ({cpu})"
            ),
        ),
        Figure(
            id="P3-single",
            what=f"durable hash-chained appends, {THREADS} threads x one event per call",
            value=single.per_second,
            unit="events/s",
            goal=f"≥ {GOAL:,} events/s",
            met=single.per_second >= GOAL,
            baseline="plain executemany, one transaction",
            baseline_value=baseline.per_second,
            note=(
                f"{common}; mean {single.per_commit:,.1f} events per commit (group commit); "
                f"{single.cpu_us:.1f} µs CPU per event ({cpu})"
            ),
        ),
    ]
