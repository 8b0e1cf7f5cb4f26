"""Whether a writer can sign checkpoints, and the ledger notes that say when that changes.

A writer whose signing key is missing or unreadable still records events but signs no
checkpoint, so nothing vouches for the records after the last one. The writer then records a
`Lifecycle` note in the ledger's own session (phase `UNSIGNED_PHASE`, the reason in its
`detail`), once, and again only if the reason changes. When the key can be read again it
records `RESUMED_PHASE` and signs a checkpoint at once. Operators see the condition on the
review UI's overview and in the gateway's `/v1/health` (``degraded``); assessors find the
notes in the ledger and its exports.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.clock import utcnow
from watchkeeper.events import Lifecycle
from watchkeeper.ledger._errors import LedgerKeyError
from watchkeeper.ledger._rotation import ROTATION_SESSION

__all__ = [
    "RESUMED_PHASE",
    "SIGNING_SESSION",
    "UNSIGNED_PHASE",
    "ReportsSigning",
    "Signer",
    "SigningProblem",
    "SigningWatch",
]

_log = logging.getLogger(__name__)

#: The ledger's own session, where its key rotations and signing notes are recorded.
SIGNING_SESSION = ROTATION_SESSION
#: Phase of the note a writer records when it cannot sign checkpoints.
UNSIGNED_PHASE = "checkpoints-unsigned"
#: Phase of the note a writer records when it can sign again.
RESUMED_PHASE = "checkpoints-resumed"

Signer = Callable[[], Ed25519PrivateKey]
"""Return the key to sign the next checkpoint with (raises `LedgerKeyError` if there is none)."""


@dataclass(frozen=True, slots=True)
class SigningProblem:
    """Checkpoints are not being signed, since `since` (UTC), because of `reason`."""

    since: datetime
    reason: str

    def describe(self) -> str:
        """One line for an operator."""
        return f"checkpoints unsigned since {self.since.isoformat()}: {self.reason}"


@runtime_checkable
class ReportsSigning(Protocol):
    """A ledger store that can say whether its writer is signing checkpoints now."""

    def signing_problem(self) -> SigningProblem | None: ...


class SigningWatch:
    """What one writer knows about its signing key; `check` is called by the writer thread."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._problem: SigningProblem | None = None

    @property
    def problem(self) -> SigningProblem | None:
        """Why the writer signs nothing now, or None while it signs."""
        with self._lock:
            return self._problem

    def check(self, sign: Signer) -> tuple[Ed25519PrivateKey | None, Lifecycle | None]:
        """Return the key to sign with now (None: it cannot be read) and a note to record.

        The note is set only when the state changes: the key just became unreadable (or
        unreadable for another reason), or readable again.
        """
        try:
            key = sign()
        except LedgerKeyError as exc:
            reason = " ".join(str(exc).split())
            with self._lock:
                if self._problem is not None and self._problem.reason == reason:
                    return None, None
                self._problem = SigningProblem(utcnow(), reason)
            _log.warning("ledger `%s` signs no checkpoint: %s", self._name, reason)
            return None, self._note(UNSIGNED_PHASE, {"reason": reason})
        with self._lock:
            was, self._problem = self._problem, None
        if was is None:
            return key, None
        _log.warning("ledger `%s` signs checkpoints again", self._name)
        return key, self._note(RESUMED_PHASE, {"unsigned_since": was.since.isoformat()})

    def _note(self, phase: str, detail: dict[str, str]) -> Lifecycle:
        return Lifecycle(
            session_id=SIGNING_SESSION,
            deployment_id="watchkeeper",
            phase=phase,
            detail={"ledger": self._name, **detail},
        )
