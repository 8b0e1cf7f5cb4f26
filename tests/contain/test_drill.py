"""Real drills: the evasive agent is contained with no survivors on every backend here."""

from __future__ import annotations

import glob

import pytest

from tests.supervise.conftest import BACKENDS
from watchkeeper.contain import DRILL_PERSISTENCE, run_drill
from watchkeeper.supervise import Backend, marker_pids, read_cgroup_mounts


@pytest.mark.parametrize("backend", BACKENDS)
def test_drill_passes_and_leaves_nothing(backend: Backend) -> None:
    """0 survivors, all planted persistence found, no scratch directory or cgroup left."""
    before = set(glob.glob("/tmp/watchkeeper-drill-*"))
    result = run_drill(backend=backend)
    assert result.passed, result.report.lines()
    assert result.report.survivors == []
    assert result.persistence_found >= DRILL_PERSISTENCE
    assert all(f.removed for f in result.report.persistence)
    assert result.report.killed >= result.agent_processes
    assert list(result.report.sessions.values()) == [backend]
    assert marker_pids("WATCHKEEPER_DEPLOYMENT", result.deployment) == set()
    assert set(glob.glob("/tmp/watchkeeper-drill-*")) <= before
    mounts = read_cgroup_mounts()
    for root in [mounts.v2, *mounts.v1.values()]:
        if root is not None:
            assert not (root / "watchkeeper" / result.deployment).exists()
