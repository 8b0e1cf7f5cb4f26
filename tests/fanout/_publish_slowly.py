"""TEST-ONLY: publish a ledger a few events at a time, so a test can SIGKILL it midway.

Usage: python -m tests.fanout._publish_slowly HOME URL PREFIX [LEDGER_URL]

Without LEDGER_URL it publishes `HOME/ledger.db` under its file lease; with a PostgreSQL
LEDGER_URL, that ledger under its advisory lock. Prints `holding` once it holds the lease.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from watchkeeper.fanout import FanoutConfig, LedgerPublisher, publisher_lease
from watchkeeper.ledger import ledger_location, ledger_source


def main() -> None:
    home, url, prefix = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    ledger_url = sys.argv[4] if len(sys.argv) > 4 else None
    config = FanoutConfig(url=url, prefix=prefix)
    lease = publisher_lease(home, config, ledger_location(home, ledger_url))
    source = ledger_source(home, ledger_url)
    with LedgerPublisher(source, config, lease, batch=5, poll=0.01) as publisher:
        while not publisher.publishing:
            time.sleep(0.01)
        print("holding", flush=True)
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()
