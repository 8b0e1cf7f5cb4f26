"""The failures of approvals and grants a caller can act on."""

from __future__ import annotations

__all__ = [
    "ApprovalClosedError",
    "ApprovalError",
    "ApprovalNotFoundError",
    "GrantError",
    "GrantNotFoundError",
]


class ApprovalError(Exception):
    """Base of the approval queue's errors."""


class ApprovalNotFoundError(ApprovalError, KeyError):
    """No approval with that id is known to this gateway process."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "approval not found"


class ApprovalClosedError(ApprovalError):
    """The approval was already resolved, timed out, or the gateway is shutting down."""


class GrantError(ValueError):
    """A grant cannot be made as asked (bad scope, too long, wrong deployment)."""


class GrantNotFoundError(GrantError, KeyError):
    """No grant with that id exists in the grant store."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "grant not found"
