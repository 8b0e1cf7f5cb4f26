"""What a grant allows: a scoped, expiring turn of `ask` into `allow` for one deployment."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

__all__ = ["MAX_GRANT_DURATION", "Grant", "GrantSpec"]

#: The longest a grant may last.
MAX_GRANT_DURATION = timedelta(hours=24)


class GrantSpec(BaseModel):
    """What a reviewer allows, e.g. "allow `pytest` in this repo for 8 h".

    A call is covered when it is a call of `tool` by `deployment_id` in which *every*
    command's argv starts with `command` (``("pytest",)`` or ``("npm", "test")``), whose
    working directory is under `cwd_prefix` (when set), whose reads and writes are all under
    `path_prefix` (when set; without it the call may not write at all), and which reaches
    no host, runs no inline or downloaded code and detaches nothing. A grant without
    `command` covers only calls of non-shell tools (e.g. ``Edit`` under `path_prefix`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    deployment_id: str = Field(min_length=1, max_length=200)
    tool: str = Field(min_length=1, max_length=500)
    command: tuple[str, ...] = ()
    path_prefix: str | None = None
    cwd_prefix: str | None = None
    duration: timedelta
    reason: str = Field(default="", max_length=4000)
    created_by: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _check_scope(self) -> Self:
        if self.duration <= timedelta(0) or self.duration > MAX_GRANT_DURATION:
            raise ValueError(
                f"grant duration `{self.duration}` is not allowed; give more than 0 and at "
                "most 24 h"
            )
        if not self.command and self.path_prefix is None:
            raise ValueError(
                f"grant for tool `{self.tool}` has neither `command` nor `path_prefix`; "
                "give one so that the grant is scoped"
            )
        if any(not word for word in self.command):
            raise ValueError(f"grant command `{list(self.command)}` has an empty word")
        for name in ("path_prefix", "cwd_prefix"):
            value = getattr(self, name)
            if value is not None and not value.startswith("/"):
                raise ValueError(f"grant `{name}` `{value}` is not absolute; give an absolute path")
        return self


class Grant(BaseModel):
    """One stored grant: the spec, when it was made and until when it holds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    spec: GrantSpec
    created_at: AwareDatetime
    expires_at: AwareDatetime
    approval_id: str | None = None
    revoked_at: AwareDatetime | None = None
    revoked_by: str | None = None

    def active(self, now: datetime) -> bool:
        """Whether the grant holds at `now` (not revoked, not expired)."""
        return self.revoked_at is None and now < self.expires_at

    def describe(self) -> str:
        """One line for people: what it allows, for whom, until when."""
        scope = f"`{' '.join(self.spec.command)}`" if self.spec.command else self.spec.tool
        where = ""
        if self.spec.cwd_prefix:
            where += f" in {self.spec.cwd_prefix}"
        if self.spec.path_prefix:
            where += f" on paths under {self.spec.path_prefix}"
        until = self.expires_at.isoformat(timespec="seconds")
        return f"allow {scope}{where} for `{self.spec.deployment_id}` until {until}"
