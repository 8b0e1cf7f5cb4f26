"""Append events forever from several threads, printing each event id once it is acknowledged.

Run by test_crash.py as a real subprocess that is then killed with SIGKILL.
Usage: python _crash_writer.py LEDGER_DB KEYS_DIR
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from watchkeeper.events import ToolCall
from watchkeeper.ledger import SqliteLedger, load_or_create_key


def main() -> None:
    db, keys = Path(sys.argv[1]), Path(sys.argv[2])
    store = SqliteLedger(db, signing_key=load_or_create_key(keys), checkpoint_every=50)
    out = threading.Lock()

    def worker(n: int) -> None:
        i = 0
        while True:
            events = [
                ToolCall(session_id=f"w{n}", tool="Bash", args={"i": i, "j": j}) for j in range(3)
            ]
            receipts = store.append(events)
            with out:
                sys.stdout.write("".join(f"{r.event_id}\n" for r in receipts))
                sys.stdout.flush()
            i += 1

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
