"""Review: the approval queue for `ask` verdicts and scoped, expiring grants.

Approvals live only in the gateway process that holds them; grants are kept in
`<home>/grants.json`. Every resolution, grant and revocation is a `ReviewEvent` in the ledger.
"""

from __future__ import annotations

from watchkeeper.review._errors import (
    ApprovalClosedError,
    ApprovalError,
    ApprovalNotFoundError,
    GrantError,
    GrantNotFoundError,
)
from watchkeeper.review._expiry import ApprovalExpiry
from watchkeeper.review._final import TIMEOUT_MESSAGE, final_verdict
from watchkeeper.review._grant_match import covers, granted_verdict
from watchkeeper.review._grant_model import MAX_GRANT_DURATION, Grant, GrantSpec
from watchkeeper.review._grant_store import GRANTS_FILE, GrantStore, open_grants
from watchkeeper.review._model import PendingApproval, Resolution
from watchkeeper.review._queue import SYSTEM_REVIEWER, ApprovalQueue, closed_message

__all__ = [
    "GRANTS_FILE",
    "MAX_GRANT_DURATION",
    "SYSTEM_REVIEWER",
    "TIMEOUT_MESSAGE",
    "ApprovalClosedError",
    "ApprovalError",
    "ApprovalExpiry",
    "ApprovalNotFoundError",
    "ApprovalQueue",
    "Grant",
    "GrantError",
    "GrantNotFoundError",
    "GrantSpec",
    "GrantStore",
    "PendingApproval",
    "Resolution",
    "closed_message",
    "covers",
    "final_verdict",
    "granted_verdict",
    "open_grants",
]
