"""P7: durable, hash-chained ledger ingest on PostgreSQL, from 1 and from 4 writer processes.

Every figure is acknowledged-durable: an `append` returns only after the PostgreSQL commit
(`synchronous_commit=on`) of the transaction that holds its events. All writers share one
chain: each transaction locks the chain head row (`SELECT … FOR UPDATE`), so appends from
different processes are serialised and the ledger verifies as one chain afterwards.

Each writer process runs THREADS threads appending BATCH events per call; the processes are
started and connected first and then released together, so imports and connecting are not
timed. The baseline, measured in the same run on the same events, is plain PostgreSQL: one
process `COPY`ing the events' canonical JSON into a two-column table in one transaction,
with no hashing, no salts, no signatures, no lock.

Run alone with `python -m bench p7_postgres`; the server is `$WATCHKEEPER_BENCH_PG`
(default `postgresql://root@127.0.0.1:5432/test`), in a schema made for the run and dropped.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

import psycopg

from bench._report import Figure
from watchkeeper.events import Event, ToolCall, canonical_json
from watchkeeper.ledger import PostgresLedger, ledger_source, load_or_create_key, upgrade_schema

SERVER = os.environ.get("WATCHKEEPER_BENCH_PG", "postgresql://root@127.0.0.1:5432/test")
EVENTS_PER_PROCESS = 40_000
THREADS = 32
BATCH = 64
GOAL = 20_000


def _events(count: int, tag: str) -> list[Event]:
    return [
        ToolCall(
            session_id=f"{tag}-session-{i % 50}",
            tool="Bash",
            args={"command": f"grep -rn 'TODO' src/module_{i}.py", "description": "find todos"},
            tool_use_id=f"toolu_{i:08d}",
            cwd="/home/dev/project",
            source="claude_code",
        )
        for i in range(count)
    ]


@contextmanager
def _schema() -> Iterator[str]:
    """Yield the url of a fresh, upgraded schema; drop it afterwards."""
    name = f"wk_bench_{secrets.token_hex(4)}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}".encode())
    try:
        url = f"{SERVER}?options=-csearch_path%3D{name}"
        upgrade_schema(url)
        yield url
    finally:
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE".encode())


def _worker(url: str, keys: Path, count: int, tag: str) -> None:
    """One writer process: connect, say `ready`, wait for a line on stdin, append, report."""
    events = _events(count, tag)
    chunks = iter([events[i : i + BATCH] for i in range(0, len(events), BATCH)])
    lock = threading.Lock()
    with PostgresLedger(url, signing_key=load_or_create_key(keys)) as store:

        def append() -> None:
            while True:
                with lock:
                    chunk = next(chunks, None)
                if chunk is None:
                    return
                store.append(chunk)

        print("ready", flush=True)
        sys.stdin.readline()
        threads = [threading.Thread(target=append) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stats = store.stats()
    print(f"done {stats.events} {stats.commits}", flush=True)


def _ledger_rate(processes: int) -> tuple[float, float]:
    """Return (events/s, events per commit) for `processes` writers on one fresh ledger."""
    with _schema() as url, TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys"
        key = load_or_create_key(keys)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.p7_postgres", "--worker", url, str(keys), f"w{n}"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(processes)
        ]
        for proc in procs:
            if proc.stdout is None or proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a benchmark writer did not start")
        start = time.perf_counter()
        for proc in procs:
            if proc.stdin is not None:
                proc.stdin.write("go\n")
                proc.stdin.flush()
        outputs = [proc.communicate()[0] for proc in procs]
        elapsed = time.perf_counter() - start
        if any(proc.returncode for proc in procs):
            raise RuntimeError("a benchmark writer failed")
        done = [line.split() for out in outputs for line in out.splitlines()]
        events = sum(int(parts[1]) for parts in done)
        commits = sum(int(parts[2]) for parts in done)
        report = ledger_source(Path(tmp), url).verify(key.public_key())
        if not report.ok or report.records_checked != processes * EVENTS_PER_PROCESS:
            raise RuntimeError(f"benchmark ledger does not verify: {report.reason}")
    return events / elapsed, events / max(commits, 1)


def _baseline_rate(events: Sequence[Event]) -> float:
    with _schema() as url, psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE plain (id TEXT NOT NULL, payload BYTEA NOT NULL)")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy("COPY plain (id, payload) FROM STDIN") as copy:
            for event in events:
                copy.write_row((event.id, canonical_json(event.model_dump(mode="json"))))
        conn.commit()
        return len(events) / (time.perf_counter() - start)


def run() -> list[Figure]:
    baseline = _baseline_rate(_events(EVENTS_PER_PROCESS, "baseline"))
    figures = []
    for processes in (1, 4):
        rate, per_commit = _ledger_rate(processes)
        figures.append(
            Figure(
                id=f"P7-{processes}",
                what=(
                    f"durable hash-chained appends on PostgreSQL, {processes} writer "
                    f"process{'es' if processes > 1 else ''} x {THREADS} threads x "
                    f"batches of {BATCH}"
                ),
                value=rate,
                unit="events/s",
                goal=f"≥ {GOAL:,} events/s with 4 writers",
                met=rate >= GOAL,
                baseline="plain COPY, one process, one transaction",
                baseline_value=baseline,
                note=(
                    f"{processes * EVENTS_PER_PROCESS:,} ToolCall events on one chain "
                    f"(head row locked per transaction); mean {per_commit:,.0f} events per "
                    "commit; each ack after a synchronous commit; the ledger verifies afterwards"
                ),
            )
        )
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        _worker(sys.argv[2], Path(sys.argv[3]), EVENTS_PER_PROCESS, sys.argv[4])
    else:
        raise SystemExit("usage: python -m bench p7_postgres")
