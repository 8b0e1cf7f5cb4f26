"""Hypothesis state machine: random appends always verify; every mutation is caught and named.

Each mutation is applied to a snapshot copy of the live ledger, so the machine keeps appending
to an intact ledger while every step also checks one way of tampering with it.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from watchkeeper.ledger import SqliteLedger, VerifyReport, verify_ledger

from .conftest import sample_events

ENVELOPE_COLUMNS = ("id", "kind", "ts", "session_id", "deployment_id", "commitment", "prev", "hash")
ROW_COLUMNS = (*ENVELOPE_COLUMNS, "payload", "salt")


class LedgerMachine(RuleBasedStateMachine):
    """Appends, reopens and withholds on a live ledger; tampers with copies of it."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.db = self.dir / "ledger.db"
        self.key = Ed25519PrivateKey.generate()
        self.store = self._open()
        self.count = 0
        self.copies = 0

    def _open(self) -> SqliteLedger:
        return SqliteLedger(
            self.db, signing_key=self.key, checkpoint_every=4, checkpoint_interval=3600
        )

    def teardown(self) -> None:
        self.store.close()
        self.tmp.cleanup()

    # Helpers.

    def _seq(self, draw: int) -> int:
        return 1 + draw % self.count

    def _last_checkpoint(self) -> int:
        return int(self._query(self.db, "SELECT coalesce(max(seq), 0) FROM checkpoints")[0][0])

    @staticmethod
    def _query(db: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(db)
        try:
            with conn:
                return conn.execute(statement, params).fetchall()
        finally:
            conn.close()

    def _copy(self) -> Path:
        self.copies += 1
        target = self.dir / f"copy{self.copies}.db"
        source, dest = sqlite3.connect(self.db), sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            source.close()
            dest.close()
        return target

    def _tampered(self, *statements: tuple[str, tuple[object, ...]]) -> VerifyReport:
        copy = self._copy()
        for statement, params in statements:
            self._query(copy, statement, *params)
        report = verify_ledger(copy, self.key.public_key())
        copy.unlink()
        return report

    def _caught_at(self, report: VerifyReport, seq: int) -> None:
        assert not report.ok
        assert report.first_bad_seq == seq, report.reason
        assert report.reason.startswith(f"record `{seq}`") or report.reason.startswith(
            f"checkpoint at record `{seq}`"
        ), report.reason

    # Changes to the live ledger, which must keep verifying.

    @initialize(n=st.integers(1, 6))
    def start(self, n: int) -> None:
        self.append(n)

    @rule(n=st.integers(1, 4))
    def append(self, n: int) -> None:
        receipts = self.store.append(sample_events(n, session_id=f"s{self.count % 3}"))
        assert [r.seq for r in receipts] == list(range(self.count + 1, self.count + n + 1))
        self.count += n

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = self._open()

    @precondition(lambda self: self.count > 0)
    @rule(draw=st.integers(0, 10**6))
    def withhold(self, draw: int) -> None:
        seq = self._seq(draw)
        self._query(self.db, "UPDATE records SET payload = NULL, salt = NULL WHERE seq = ?", seq)

    @invariant()
    def live_ledger_verifies(self) -> None:
        report = verify_ledger(self.db, self.key.public_key())
        assert report.ok, report.reason
        assert report.records_checked == self.count

    # Tampering with a copy, which must be caught at the right record.

    @precondition(lambda self: self.count > 0)
    @rule(draw=st.integers(0, 10**6), column=st.sampled_from(ENVELOPE_COLUMNS))
    def edit_envelope(self, draw: int, column: str) -> None:
        seq = self._seq(draw)
        statement = f"UPDATE records SET {column} = {column} || 'x' WHERE seq = ?"
        self._caught_at(self._tampered((statement, (seq,))), seq)

    @precondition(lambda self: self.count > 0)
    @rule(draw=st.integers(0, 10**6))
    def edit_payload(self, draw: int) -> None:
        seq = self._seq(draw)
        statement = (
            "UPDATE records SET payload = CAST(coalesce(payload, '{}') || ' ' AS BLOB) "
            "WHERE seq = ?"
        )
        self._caught_at(self._tampered((statement, (seq,))), seq)

    @precondition(lambda self: self.count > 0)
    @rule(draw=st.integers(0, 10**6))
    def edit_salt(self, draw: int) -> None:
        seq = self._seq(draw)
        statement = "UPDATE records SET salt = zeroblob(32) WHERE seq = ?"
        self._caught_at(self._tampered((statement, (seq,))), seq)

    @precondition(lambda self: self.count > 0)
    @rule(draw=st.integers(0, 10**6))
    def delete(self, draw: int) -> None:
        seq = self._seq(draw)
        if seq == self.count and self._last_checkpoint() < seq:
            return  # an unsigned tail record can be dropped undetected (see docs/ledger.md)
        report = self._tampered(("DELETE FROM records WHERE seq = ?", (seq,)))
        self._caught_at(report, seq)

    @precondition(lambda self: self.count > 1)
    @rule(a=st.integers(0, 10**6), b=st.integers(0, 10**6))
    def swap(self, a: int, b: int) -> None:
        first, second = sorted((self._seq(a), self._seq(b)))
        if first == second:
            second = first + 1 if first < self.count else first - 1
            first, second = sorted((first, second))
        rows = self._query(
            self.db,
            f"SELECT {', '.join(ROW_COLUMNS)} FROM records WHERE seq IN (?, ?) ORDER BY seq",
            first,
            second,
        )
        assignments = ", ".join(f"{c} = ?" for c in ROW_COLUMNS)
        statement = f"UPDATE records SET {assignments} WHERE seq = ?"
        report = self._tampered(
            (statement, (*rows[1], first)),
            (statement, (*rows[0], second)),
        )
        self._caught_at(report, first)

    @precondition(lambda self: self.count > 0)
    @rule(draw=st.integers(0, 10**6))
    def truncate(self, draw: int) -> None:
        covered = self._last_checkpoint()
        if covered == 0:
            return
        seq = 1 + draw % covered
        self._caught_at(self._tampered(("DELETE FROM records WHERE seq >= ?", (seq,))), seq)


LedgerMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerMachine = LedgerMachine.TestCase
