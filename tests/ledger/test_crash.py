"""Durability: a writer killed with SIGKILL loses no acknowledged event."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from watchkeeper.ledger import SqliteLedger, load_or_create_key, verify_ledger

from .conftest import sample_events

WRITER = Path(__file__).with_name("_crash_writer.py")


def test_kill_9_keeps_every_acknowledged_event(tmp_path: Path) -> None:
    """After kill -9 mid-run every acked id is in the ledger, the chain verifies and extends."""
    db, keys = tmp_path / "ledger.db", tmp_path / "keys"
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(keys)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acked: list[str] = []
    while len(acked) < 600:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "writer exited"
        acked.append(line)
    os.kill(proc.pid, signal.SIGKILL)
    rest, _ = proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    acked += rest.splitlines(keepends=True)
    acked_ids = {line.strip() for line in acked if line.endswith("\n")}

    key = load_or_create_key(keys)
    report = verify_ledger(db, key.public_key())
    assert report.ok, report.reason
    with SqliteLedger(db, signing_key=key) as store:
        stored = {event.id for _, event in store.events()}
        assert acked_ids <= stored
        store.append(sample_events(2))
    assert verify_ledger(db, key.public_key()).ok
