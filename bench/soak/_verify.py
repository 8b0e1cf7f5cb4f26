"""Checking the ledger after the run: every acknowledged event, byte for byte, and the chain."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.soak._content import FIELDS, content_hash
from bench.soak._tally import Tally

__all__ = ["LedgerCheck", "check_ledger"]

_WATCHKEEPER = (sys.executable, "-c", "from watchkeeper.cli.main import main; main()")


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """What the ledger holds of what the gateways acknowledged.

    `missing` acknowledged events are not in the ledger at all, `altered` are there with other
    content, `verdicts_wrong` are decisions whose recorded verdict is missing or differs from
    the one returned. `verify_ok` is whether `watchkeeper ledger verify` passed, `verify_output`
    its last line.
    """

    records: int
    acked: int
    missing: int
    altered: int
    verdicts_wrong: int
    verify_ok: bool
    verify_output: str

    @property
    def ok(self) -> bool:
        """Whether nothing acknowledged was lost or changed and the chain verifies."""
        return not (self.missing or self.altered or self.verdicts_wrong) and self.verify_ok


def check_ledger(url: str, home: Path, tally: Tally) -> LedgerCheck:
    """Compare `tally`'s acknowledged events with the ledger at `url`; run `ledger verify`."""
    expected = dict(tally.acked)
    verdicts = dict(tally.verdicts)
    found: dict[str, str] = {}
    recorded_verdicts: dict[str, str] = {}
    records = 0
    with (
        psycopg.connect(url) as conn,
        conn.cursor(name="soak_check") as cursor,
    ):
        cursor.itersize = 5000
        cursor.execute("SELECT id, kind, payload FROM records ORDER BY seq")
        for event_id, kind, payload in cursor:
            records += 1
            if payload is None:
                continue
            if kind == "verdict":
                record = json.loads(payload)
                if record.get("call_id") in verdicts:
                    recorded_verdicts[record["call_id"]] = str(record.get("decision"))
            elif event_id in expected and kind in FIELDS:
                found[event_id] = content_hash(kind, json.loads(payload))
    missing = sum(1 for event_id in expected if event_id not in found)
    altered = sum(1 for event_id, digest in found.items() if expected[event_id] != digest)
    wrong = sum(1 for call_id, d in verdicts.items() if recorded_verdicts.get(call_id) != d)
    done = subprocess.run(
        [*_WATCHKEEPER, "ledger", "verify", "--home", str(home), "--db", url],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = (done.stdout + done.stderr).strip().splitlines()
    return LedgerCheck(
        records=records,
        acked=len(expected),
        missing=missing,
        altered=altered,
        verdicts_wrong=wrong,
        verify_ok=done.returncode == 0,
        verify_output=lines[-1] if lines else "",
    )
