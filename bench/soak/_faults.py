"""Injecting the run's faults on schedule, from a thread, and logging what each one did."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from bench.soak._cluster import Cluster
from bench.soak._config import Fault

__all__ = ["FaultLog", "Faults"]

#: Which gateway and worker the run kills (not the first gateway, which made the admin token).
_VICTIM_GATEWAY = 1
_VICTIM_WORKER = 0


@dataclass(frozen=True, slots=True)
class FaultLog:
    """One injected fault: when (seconds into the load), what, and what came of it."""

    at: float
    fault: Fault
    detail: str


class Faults:
    """Runs `cluster`'s configured faults at their times, counted from `start` (monotonic)."""

    def __init__(self, cluster: Cluster, start: float) -> None:
        self._cluster = cluster
        self._start = start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="soak-faults", daemon=True)
        self.log: list[FaultLog] = []
        self.errors: list[str] = []

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=120)
        self._cluster.resume_nats()

    def _now(self) -> float:
        return time.monotonic() - self._start

    def _run(self) -> None:
        config = self._cluster.config
        for fault in sorted(config.faults, key=config.fault_at):
            if self._stop.wait(max(0.0, config.fault_at(fault) - self._now())):
                return
            try:
                self._inject(fault)
            except Exception as exc:  # noqa: BLE001 - a fault that fails is reported, not fatal
                self.errors.append(f"{fault}: {type(exc).__name__}: {exc}")

    def _inject(self, fault: Fault) -> None:
        cluster, config = self._cluster, self._cluster.config
        at = self._now()
        if fault == "gateway":
            cluster.kill_gateway(_VICTIM_GATEWAY)
            self._stop.wait(config.restart_after)
            started = time.monotonic()
            cluster.start_gateway(_VICTIM_GATEWAY)
            detail = (
                f"kill -9 gateway {_VICTIM_GATEWAY}; restarted after {config.restart_after:.0f} s, "
                f"healthy {time.monotonic() - started:.1f} s later"
            )
        elif fault == "worker":
            cluster.kill_worker(_VICTIM_WORKER)
            self._stop.wait(config.restart_after)
            cluster.start_worker(_VICTIM_WORKER)
            detail = (
                f"kill -9 worker {_VICTIM_WORKER}; restarted after {config.restart_after:.0f} s"
            )
        elif fault == "postgres":
            detail = f"pg_terminate_backend on {cluster.terminate_backends()} backends of the run"
        else:
            cluster.pause_nats()
            try:
                self._stop.wait(config.nats_pause)
            finally:
                cluster.resume_nats()
            detail = f"NATS stalled (proxy paused) for {config.nats_pause:.0f} s"
        self.log.append(FaultLog(at, fault, detail))
