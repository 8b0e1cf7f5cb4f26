"""What a registered deployment is: who runs it, for what, under which limits, in which state."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

__all__ = ["Deployment", "DeploymentState", "DeploymentStatus"]

#: The status an operator sets: `revoked` is final.
DeploymentStatus = Literal["active", "suspended", "revoked"]
#: The status as it holds at a given time: an active deployment past its expiry is `expired`.
DeploymentState = Literal["active", "suspended", "revoked", "expired"]


class Deployment(BaseModel):
    """One authorised deployment: a named set of agents an owner runs for a stated purpose.

    `policy` is the path of its own policy file (None: the gateway's policy);
    `allow_hosts` the only hosts its calls may contact (empty: no extra limit); `max_procs`
    the process limit its supervisor enforces. `reason` says why the status last changed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    owner: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=2000)
    policy: str | None = None
    created: AwareDatetime
    expires: AwareDatetime | None = None
    max_procs: int | None = Field(default=None, ge=1)
    allow_hosts: tuple[str, ...] = ()
    status: DeploymentStatus = "active"
    reason: str = ""

    def state(self, now: datetime) -> DeploymentState:
        """Return the state at `now`: revoked, then expired, then suspended, else active."""
        if self.status == "revoked":
            return "revoked"
        if self.expires is not None and now >= self.expires:
            return "expired"
        return self.status
