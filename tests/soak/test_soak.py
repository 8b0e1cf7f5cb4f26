"""The scale-out soak on real processes: gateways, workers, PostgreSQL, NATS, and faults."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.soak import FAULTS, SoakConfig, run_soak


def test_smoke_soak_loses_nothing_and_fails_closed(tmp_path: Path) -> None:
    """At tiny scale with a gateway killed, nothing acknowledged is lost and nothing is allowed."""
    config = SoakConfig(
        gateways=2,
        workers=1,
        sessions=20,
        clients=1,
        duration=10.0,
        think=0.0,
        faults=("gateway",),
    )
    result = run_soak(config, tmp_path)
    assert [f.fault for f in result.faults] == ["gateway"], result.fault_errors
    assert result.tally.decided_total > 0
    assert result.tally.refused_total > 0, "the killed gateway's agents got no refusal"
    assert result.tally.unexpected_allows == 0
    assert result.ledger.acked > 0
    assert result.lost == 0, result.ledger
    assert result.ledger.verify_ok, result.ledger.verify_output
    assert result.alert_latencies_ms, "no worker alert reached the ledger"
    assert result.alerts_missing == 0


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_soak_under_every_fault(tmp_path: Path) -> None:
    """Four gateways and two workers keep every acknowledged event through all four faults."""
    config = SoakConfig(gateways=4, workers=2, sessions=100, duration=60.0)
    result = run_soak(config, tmp_path)
    assert [f.fault for f in result.faults] == list(FAULTS), result.fault_errors
    assert result.tally.unexpected_allows == 0
    assert result.lost == 0, result.ledger
    assert result.ledger.verify_ok, result.ledger.verify_output
    assert result.alerts_missing == 0
    assert result.ok
