"""What one soak run is: how many gateways, workers and agents, for how long, with which faults."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FAULTS", "Fault", "Routing", "SoakConfig"]

Fault = Literal["gateway", "worker", "postgres", "nats"]
Routing = Literal["round-robin", "sticky"]

#: Every fault, in the order a full run injects them.
FAULTS: tuple[Fault, ...] = ("gateway", "worker", "postgres", "nats")

#: When each fault strikes, as a fraction of the load's duration.
_AT: dict[Fault, float] = {"gateway": 0.2, "worker": 0.35, "postgres": 0.5, "nats": 0.65}


class SoakConfig(BaseModel):
    """One soak run on loopback.

    `sessions` concurrent agents are spread over `clients` load-generator processes; with
    `routing` "round-robin" each sends its calls to the gateways in turn, with "sticky" each
    keeps to one gateway (as a balancer hashing on the token would). Each waits about `think`
    seconds between its calls (an agent waits for its model between tool calls; 0 makes every
    agent call as fast as it is answered, which saturates the machine and measures queueing,
    not the gateway).
    Each fault in `faults` strikes once, at a fixed fraction of `duration`; a killed gateway or
    worker is restarted `restart_after` seconds later, and NATS stays paused for `nats_pause`
    seconds. JetStream redelivers a worker's unacknowledged messages `ack_wait` seconds after
    its last progress ack (so about `ack_wait` after the worker is killed).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    gateways: int = Field(default=4, ge=2)
    workers: int = Field(default=2, ge=1)
    sessions: int = Field(default=500, ge=1)
    clients: int = Field(default=2, ge=1)
    duration: float = Field(default=180.0, gt=0.0)
    think: float = Field(default=2.0, ge=0.0)
    routing: Routing = "round-robin"
    faults: tuple[Fault, ...] = FAULTS
    restart_after: float = Field(default=3.0, ge=0.0)
    nats_pause: float = Field(default=3.0, gt=0.0)
    ack_wait: float = Field(default=1.0, ge=0.2)
    drain_timeout: float = Field(default=60.0, gt=0.0)
    postgres: str = Field(
        default_factory=lambda: os.environ.get(
            "WATCHKEEPER_SOAK_PG", "postgresql://root@127.0.0.1:5432/test"
        )
    )
    nats: str = Field(
        default_factory=lambda: os.environ.get("WATCHKEEPER_SOAK_NATS", "nats://127.0.0.1:4222")
    )

    def fault_at(self, fault: Fault) -> float:
        """Return the second of the load at which `fault` strikes."""
        return _AT[fault] * self.duration

    def describe(self) -> str:
        """One line naming the run's shape, for reports."""
        faults = ", ".join(self.faults) or "none"
        return (
            f"{self.gateways} gateways, {self.workers} workers, {self.sessions} agent sessions "
            f"from {self.clients} client processes, {self.think:g} s mean think time between "
            f"calls, {self.routing} routing, {self.duration:.0f} s, faults: {faults}, "
            f"worker ack wait {self.ack_wait:g} s"
        )
