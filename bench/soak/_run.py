"""One soak run, start to finish: cluster up, load and faults, drain, stop, check the ledger."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench._report import percentile
from bench.soak._agents import AgentPlan
from bench.soak._alerts import AlertWatch
from bench.soak._cluster import Cluster
from bench.soak._config import SoakConfig
from bench.soak._faults import FaultLog, Faults
from bench.soak._tally import Tally
from bench.soak._verify import LedgerCheck, check_ledger

__all__ = ["SoakError", "SoakResult", "run_soak"]

#: Seconds the load generators get to import and connect before the load starts.
_WARMUP = 5.0
#: A decide sent from 1 s before a fault to this many seconds after it is "during a fault".
FAULT_WINDOW = 15.0


class SoakError(RuntimeError):
    """The run could not be carried out (a process failed); the message names its log."""


@dataclass(frozen=True)
class SoakResult:
    """Everything one run measured and checked."""

    config: SoakConfig
    seconds: float
    tally: Tally
    ledger: LedgerCheck
    ingested: int
    alert_latencies_ms: list[float]
    alerts_missing: int
    gateway_alerted: int
    load_started: float = 0.0
    alert_categories: dict[str, int] = field(default_factory=dict)
    load_average: tuple[float, float] = (0.0, 0.0)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    faults: list[FaultLog] = field(default_factory=list)
    fault_errors: list[str] = field(default_factory=list)
    #: when each of `alert_latencies_ms`' events was committed (wall clock, as `load_started`)
    alert_committed_at: list[float] = field(default_factory=list)

    @property
    def decisions_per_second(self) -> float:
        return self.tally.decided_total / self.seconds

    @property
    def ingest_per_second(self) -> float:
        """Ledger records committed per second during the load (calls, verdicts, events, alerts)."""
        return self.ingested / self.seconds

    def decision_ms(self, q: float) -> float:
        """The q-th percentile of answered decides' latency, client-side, in ms."""
        return percentile(self.tally.latencies_ms, q) if self.tally.latencies_ms else float("nan")

    def decision_ms_outside_faults(self, q: float) -> tuple[float, int]:
        """The q-th percentile of decides sent away from every fault, and how many there were.

        A decide sent from 1 s before a fault until `FAULT_WINDOW` seconds after it is left out.
        """
        windows = [(f.at - 1.0, f.at + FAULT_WINDOW) for f in self.faults]
        kept = [
            ms
            for ms, sent in zip(self.tally.latencies_ms, self.tally.sent_at, strict=True)
            if not any(lo <= sent - self.load_started <= hi for lo, hi in windows)
        ]
        return (percentile(kept, q) if kept else float("nan")), len(kept)

    def alert_ms(self, q: float) -> float:
        """The q-th percentile of event committed → worker alert committed, in ms."""
        samples = self.alert_latencies_ms
        return percentile(samples, q) if samples else float("nan")

    def slow_alerts_by_fault(self, over_ms: float = 1000.0) -> dict[str, int]:
        """How many alerts took more than `over_ms`, by the fault that preceded their event.

        An event committed from 1 s before a fault to `FAULT_WINDOW` seconds after it is put
        down to that fault (the latest, if several); any other to "none".
        """
        counts: dict[str, int] = {}
        for ms, at in zip(self.alert_latencies_ms, self.alert_committed_at, strict=True):
            if ms <= over_ms:
                continue
            second = at - self.load_started
            near = [f.fault for f in self.faults if f.at - 1.0 <= second <= f.at + FAULT_WINDOW]
            cause = near[-1] if near else "none"
            counts[cause] = counts.get(cause, 0) + 1
        return counts

    @property
    def lost(self) -> int:
        """Acknowledged events missing or altered, plus decisions whose verdict is not recorded."""
        return self.ledger.missing + self.ledger.altered + self.ledger.verdicts_wrong

    @property
    def ok(self) -> bool:
        """Whether the run kept every promise: nothing lost, chain verifies, failed closed."""
        return (
            self.ledger.ok
            and self.tally.unexpected_allows == 0
            and not self.fault_errors
            and self.tally.decided_total > 0
        )


def _head(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()
    return int(row[0]) if row else 0


@dataclass(frozen=True)
class _Load:
    """The load phase: what the agents saw, how long it ran, records added, faults injected."""

    tally: Tally
    started: float
    seconds: float
    added: int
    faults: Faults
    cpu_seconds: dict[str, float]


def _load(cluster: Cluster, workdir: Path) -> _Load:
    """Run the agents while injecting the faults."""
    config = cluster.config
    start = time.time() + _WARMUP
    share, extra = divmod(config.sessions, config.clients)
    processes = []
    first = 0
    for n in range(config.clients):
        count = share + (n < extra)
        plan = AgentPlan(
            gateways=cluster.gateway_urls,
            token=cluster.token,
            first=first,
            count=count,
            start=start,
            duration=config.duration,
            think=config.think,
            sticky=config.routing == "sticky",
            out=workdir / f"agents-{n}.json",
        )
        first += count
        plan_path = workdir / f"agents-{n}.plan.json"
        plan_path.write_text(plan.model_dump_json(), encoding="utf-8")
        log = (workdir / f"agents-{n}.log").open("wb")
        processes.append(
            (
                subprocess.Popen(
                    [sys.executable, "-m", "bench.soak.load", str(plan_path)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                plan,
                log,
            )
        )
    before = _head(cluster.observer_url)
    began = time.monotonic() + (start - time.time())
    try:
        with Faults(cluster, began) as faults:
            for process, _plan, _log in processes:
                process.wait(timeout=config.duration + _WARMUP + 300)
            ended = time.monotonic()
            cpu = cluster.cpu_seconds()
    finally:
        for process, _plan, log in processes:
            if process.poll() is None:
                process.kill()
            log.close()
    added = _head(cluster.observer_url) - before
    failed = [plan.out.name for process, plan, _log in processes if process.returncode != 0]
    if failed:
        raise SoakError(f"load generator(s) {failed} failed; see their .log in {workdir}")
    tallies = [Tally.model_validate_json(plan.out.read_text()) for _p, plan, _l in processes]
    tally = Tally.merge(tallies)
    cpu["load generators"] = tally.cpu_seconds
    return _Load(tally, start, ended - began, added, faults, cpu)


def run_soak(config: SoakConfig, workdir: Path) -> SoakResult:
    """Run the soak described by `config`, keeping logs and state under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    with Cluster(config, workdir) as cluster, AlertWatch(cluster.observer_url) as alerts:
        load = _load(cluster, workdir)
        tally = load.tally
        deadline = time.monotonic() + config.drain_timeout
        wanted = [event_id for event_id, _ in tally.suspicious]
        while time.monotonic() < deadline:
            if all(e in alerts.by_worker for e in wanted) and cluster.consumer_backlog() == 0:
                break
            time.sleep(0.5)
        load_after = os.getloadavg()[0]
        cluster.stop_processes()
        categories = alerts.categories
        timed = [
            event_id
            for event_id in wanted
            if event_id in alerts.by_worker and event_id in alerts.committed
        ]
        latencies = [
            (alerts.by_worker[event_id] - alerts.committed[event_id]) * 1000.0 for event_id in timed
        ]
        gateway_alerted = sum(1 for e in wanted if e in alerts.by_gateway)
        ledger = check_ledger(cluster.observer_url, cluster.home, tally)
    return SoakResult(
        config=config,
        seconds=load.seconds,
        load_started=load.started,
        tally=tally,
        ledger=ledger,
        ingested=load.added,
        alert_latencies_ms=latencies,
        alerts_missing=len(wanted) - len(latencies),
        gateway_alerted=gateway_alerted,
        alert_categories={f"{by}: {c}": n for (by, c), n in sorted(categories.items())},
        load_average=(load_before, load_after),
        cpu_seconds=load.cpu_seconds,
        faults=list(load.faults.log),
        fault_errors=list(load.faults.errors),
        alert_committed_at=[alerts.committed[event_id] for event_id in timed],
    )
