"""TEST-ONLY: publish a ledger a few events at a time, so a test can SIGKILL it midway.

Usage: python -m tests.fanout._publish_slowly HOME URL PREFIX
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

from watchkeeper.events import Event
from watchkeeper.fanout import FanoutConfig, LedgerPublisher, cursor_path
from watchkeeper.ledger import Head, ledger_head, read_events


class _Reader:
    """Reads the ledger file without opening a writer."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def events(
        self, *, after_seq: int = 0, session_id: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[int, Event]]:
        return read_events(self._path, after_seq=after_seq, session_id=session_id, limit=limit)

    def head(self) -> Head:
        return ledger_head(self._path)


def main() -> None:
    home, url, prefix = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    config = FanoutConfig(url=url, prefix=prefix)
    with LedgerPublisher(
        _Reader(home / "ledger.db"), config, cursor_path(home, config), batch=5, poll=0.01
    ):
        while True:
            time.sleep(1)


if __name__ == "__main__":
    main()
