"""Who may use the review UI: a `User` on disk and the `WebUser` a signed-in request carries."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

__all__ = ["RESERVED_USER_NAMES", "USER_NAME_PATTERN", "Role", "User", "WebUser"]

#: What a user name looks like: lower-case letters, digits, `.`, `_` and `-`, at most 64.
USER_NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
#: Names the ledger uses for actors that are not people: the CLI and the review system.
RESERVED_USER_NAMES = frozenset({"cli", "system"})


class Role(StrEnum):
    """What a user may do: reviewers triage and approve; admins also change deployments and
    policy."""

    REVIEWER = "reviewer"
    ADMIN = "admin"


class User(BaseModel):
    """One account as stored in `users.json`; `password_hash` is an argon2id hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=USER_NAME_PATTERN.pattern)
    role: Role
    password_hash: str = Field(repr=False, min_length=1)
    disabled: bool = False
    created_at: AwareDatetime
    disabled_at: AwareDatetime | None = None

    def web(self) -> WebUser:
        """Return what a signed-in request may know about this user (no hash)."""
        return WebUser(name=self.name, role=self.role)


class WebUser(BaseModel):
    """The signed-in user of a request, as `request.state.user`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        """Whether this user holds the admin role."""
        return self.role is Role.ADMIN
