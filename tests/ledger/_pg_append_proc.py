"""Append events to a PostgreSQL ledger from several threads; print `seq event_id` per receipt.

Run by test_postgres_writer.py as one of several real writer processes on one ledger.
Usage: python _pg_append_proc.py URL KEYS_DIR EVENTS_PER_THREAD THREADS
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from watchkeeper.events import ToolCall
from watchkeeper.ledger import PostgresLedger, Receipt, load_or_create_key


def main() -> None:
    url, keys = sys.argv[1], Path(sys.argv[2])
    per_thread, threads = int(sys.argv[3]), int(sys.argv[4])
    receipts: list[Receipt] = []
    lock = threading.Lock()
    with PostgresLedger(url, signing_key=load_or_create_key(keys), checkpoint_every=100) as store:

        def worker(n: int) -> None:
            mine: list[Receipt] = []
            for i in range(per_thread):
                event = ToolCall(session_id=f"t{n}", tool="Bash", args={"i": i})
                mine += store.append([event])
            with lock:
                receipts.extend(mine)

        pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    sys.stdout.write("".join(f"{r.seq} {r.event_id}\n" for r in receipts))


if __name__ == "__main__":
    main()
