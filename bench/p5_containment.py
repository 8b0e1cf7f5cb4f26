"""P5: time to containment of the drill's evasive 50-process tree, per confinement backend.

Each sample is a full `watchkeeper drill`: the evasive agent (50 forked children that ignore
SIGTERM, a double-forked setsid daemon, a renamed argv[0], a listener, a crontab and a
.bashrc line) runs under `watchkeeper run`; the figure is the kill switch's own
time-to-containment (revoke, freeze, kill, and the scan proving no process is left). The
baseline, measured in the same run, is the naive approach: SIGTERM to the agent's process
group, then wait one second, and count what is still alive.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._report import Figure, median
from watchkeeper.contain import run_drill
from watchkeeper.supervise import available_backends, marker_pids, signal_all

RUNS = 5
_AGENT = Path(__file__).resolve().parent.parent / "src/watchkeeper/contain/evasive_agent.py"


def _naive_baseline() -> tuple[int, int]:
    """SIGTERM the unsupervised agent's group, wait 1 s; return (survivors, tree size)."""
    marker = f"bench-p5-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="wk-p5-") as scratch:
        root = Path(scratch)
        env = {
            **os.environ,
            "HOME": scratch,
            "WK_DRILL_READY": str(root / "ready"),
            "WK_DRILL_CRONTAB": str(root / "cron" / "user"),
            "WATCHKEEPER_SESSION": marker,
        }
        agent = subprocess.Popen([sys.executable, str(_AGENT)], env=env, process_group=0)
        try:
            deadline = time.monotonic() + 30
            while not (root / "ready").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            size = 2 + len(json.loads((root / "ready").read_text())["children"])
            os.killpg(agent.pid, signal.SIGTERM)
            time.sleep(1.0)
            agent.poll()
            survivors = len(marker_pids("WATCHKEEPER_SESSION", marker))
        finally:
            for _ in range(100):
                left = marker_pids("WATCHKEEPER_SESSION", marker)
                if not left:
                    break
                signal_all(left, signal.SIGKILL)
                time.sleep(0.01)
            agent.wait(timeout=10)
    return survivors, size


def run() -> list[Figure]:
    naive_survivors, size = _naive_baseline()
    figures = [
        Figure(
            id="P5-naive",
            what=f"naive kill of the {size}-process evasive tree: SIGTERM to its process group",
            value=naive_survivors,
            unit="survivors after 1 s",
            goal="baseline",
            met=True,
            note="the tree ignores SIGTERM and its daemon left the group with setsid",
        )
    ]
    for backend in available_backends():
        times: list[float] = []
        survivors = 0
        passed = 0
        for _ in range(RUNS):
            result = run_drill(backend=backend)
            times.append(result.report.time_to_containment_s * 1000)
            survivors += len(result.report.survivors)
            passed += result.passed
        value = median(times)
        figures.append(
            Figure(
                id=f"P5-{backend}",
                what=f"time to containment, {size}-process evasive tree, {backend} backend",
                value=value,
                unit="ms",
                goal="<= 1000 ms, 0 survivors",
                met=value <= 1000 and survivors == 0 and passed == RUNS,
                baseline=f"naive SIGTERM to the process group + 1 s wait: {naive_survivors} "
                f"of {size} survive",
                note=(
                    f"median of {RUNS} drills (max {max(times):.0f} ms); survivors in all "
                    f"drills: {survivors}; drills passed (contained, persistence found): "
                    f"{passed}/{RUNS}"
                ),
            )
        )
    return figures
