"""The Soak section of BENCHMARKS.md: written by `make soak`, kept by `make bench`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bench._report import Figure, write_report
from bench.soak import SoakConfig, SoakResult
from bench.soak._faults import FaultLog
from bench.soak._report import SECTION, write_section
from bench.soak._tally import Tally
from bench.soak._verify import LedgerCheck


def _result(decisions: int) -> SoakResult:
    tally = Tally(
        decisions={"allow": decisions},
        latencies_ms=[5.0] * decisions,
        sent_at=[float(i) for i in range(decisions)],
    )
    ledger = LedgerCheck(
        records=10,
        acked=5,
        missing=0,
        altered=0,
        verdicts_wrong=0,
        verify_ok=True,
        verify_output="",
    )
    return SoakResult(
        config=SoakConfig(),
        seconds=10.0,
        tally=tally,
        ledger=ledger,
        ingested=100,
        alert_latencies_ms=[250.0],
        alerts_missing=0,
        gateway_alerted=1,
        alert_committed_at=[1.0],
    )


def test_write_section_replaces_the_previous_soak_section(tmp_path: Path) -> None:
    """A second soak replaces the first's section and leaves the other sections alone."""
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## P1 policy evaluation\n\nkept\n")
    write_section(path, _result(10))
    write_section(path, _result(30))
    text = path.read_text()
    assert text.count(f"## {SECTION}") == 1
    assert "3.00 decisions/s" in text
    assert "1.00 decisions/s" not in text
    assert "## P1 policy evaluation\n\nkept\n" in text


def test_make_bench_keeps_the_soak_section(tmp_path: Path) -> None:
    """Rewriting the benchmarks keeps the Soak section that `make soak` wrote."""
    path = tmp_path / "BENCHMARKS.md"
    write_section(path, _result(10))
    figure = Figure(id="P9", what="x", value=1.0, unit="ops", goal="-", met=True)
    write_report(path, {"P9 something": [figure]})
    text = path.read_text()
    assert "## P9 something" in text
    assert f"## {SECTION}" in text
    assert "1.00 decisions/s" in text


def test_decides_near_a_fault_are_left_out_of_the_calm_percentile() -> None:
    """Decides sent from 1 s before a fault to the window's end after it don't count as calm."""
    result = _result(0)
    sent = [1000.0 + s for s in range(60)]
    slow = {9, 10, 20}  # 1 s before the fault at 10 s, at it, and 10 s after it
    latencies = [900.0 if s - 1000.0 in slow else 5.0 for s in sent]
    tally = Tally(decisions={"allow": 60}, latencies_ms=latencies, sent_at=sent)
    faulty = replace(
        result,
        tally=tally,
        load_started=1000.0,
        faults=[FaultLog(10.0, "gateway", "kill -9 gateway 1")],
    )
    assert faulty.decision_ms(99) > 100.0
    calm, kept = faulty.decision_ms_outside_faults(99)
    assert calm == 5.0
    assert kept == 60 - 17  # seconds 9 to 25 inclusive are inside the window


def test_slow_alerts_are_put_down_to_the_fault_before_their_event() -> None:
    """An alert slower than 1 s counts against the latest fault whose window holds its event."""
    faulty = replace(
        _result(0),
        load_started=1000.0,
        alert_latencies_ms=[1500.0, 2500.0, 1200.0, 300.0, 1100.0],
        alert_committed_at=[1012.0, 1031.0, 1090.0, 1012.0, 1036.0],
        faults=[FaultLog(10.0, "gateway", "kill"), FaultLog(30.0, "worker", "kill")],
    )
    assert faulty.slow_alerts_by_fault() == {"gateway": 1, "worker": 2, "none": 1}
