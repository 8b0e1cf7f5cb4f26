"""The periodic sweep thread that `watchkeeper serve` runs."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests._backends import LedgerBackend
from watchkeeper.alerts import AlertStore
from watchkeeper.events import ErrorEvent, Event
from watchkeeper.ledger import ledger_source, open_ledger
from watchkeeper.sweep import PeriodicSweep, SweepConfig, Sweeper, SweepReport, periodic_sweep


def test_sweeps_at_once_and_again(tmp_path: Path) -> None:
    """The first sweep runs when the thread starts, the next after the interval."""
    reports: list[SweepReport] = []
    twice = threading.Event()

    def on_report(report: SweepReport) -> None:
        reports.append(report)
        if len(reports) >= 2:
            twice.set()

    with AlertStore(tmp_path / "alerts.db") as alerts:
        sweeper = Sweeper(tmp_path, config=SweepConfig(), record=list, alerts=alerts)
        with PeriodicSweep(sweeper, 0.05, on_error=print, on_report=on_report):
            assert twice.wait(20)
    assert all(r.scanned > 0 for r in reports)


def test_a_failing_sweep_is_reported_once_and_keeps_going(tmp_path: Path) -> None:
    """A persistent failure is reported once, not on every tick, and does not stop the loop."""
    (tmp_path / "sweep-state.json").write_text("not json")
    errors: list[str] = []
    ticks = threading.Semaphore(0)

    def on_error(message: str) -> None:
        errors.append(message)
        ticks.release()

    with AlertStore(tmp_path / "alerts.db") as alerts:
        sweeper = Sweeper(tmp_path, config=SweepConfig(), record=list, alerts=alerts)
        periodic = PeriodicSweep(sweeper, 0.02, on_error=on_error).start()
        assert ticks.acquire(timeout=20)
        threading.Event().wait(0.2)
        periodic.close()
    assert len(errors) == 1
    assert "sweep-state.json" in errors[0]


def test_zero_interval_disables(tmp_path: Path) -> None:
    """`--sweep-interval 0` means no periodic sweep."""
    assert periodic_sweep(tmp_path, record=list, interval=0) is None


def test_errors_are_recorded_in_the_ledger(tmp_path: Path, ledger_backend: LedgerBackend) -> None:
    """The gateway's periodic sweep records a failure as an ErrorEvent, on either backend."""
    del ledger_backend  # selected through the environment
    (tmp_path / "sweep-state.json").write_text("[]")
    with open_ledger(tmp_path) as ledger:
        recorded = threading.Event()

        def record(events: Sequence[Event]) -> object:
            out = ledger.append(events)
            recorded.set()
            return out

        periodic = periodic_sweep(tmp_path, record=record, interval=10)
        assert periodic is not None
        with periodic:
            assert recorded.wait(20)
    errors = [e for _, e in ledger_source(tmp_path).events() if isinstance(e, ErrorEvent)]
    assert [e.where for e in errors] == ["sweep"]


def test_interval_must_be_positive(tmp_path: Path) -> None:
    """A zero interval is refused by the thread itself (use `periodic_sweep` to disable)."""
    with AlertStore(tmp_path / "alerts.db") as alerts:
        sweeper = Sweeper(tmp_path, config=SweepConfig(), record=list, alerts=alerts)
        with pytest.raises(ValueError, match="must be positive"):
            PeriodicSweep(sweeper, 0, on_error=print)
