"""`<home>/grants.json`: the grants reviewers made, shared by the gateway and the CLI."""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from watchkeeper.clock import utcnow
from watchkeeper.events import Decision, Event, ReviewEvent, ToolCall
from watchkeeper.normalize import Action
from watchkeeper.policy import Verdict
from watchkeeper.review._errors import GrantError, GrantNotFoundError
from watchkeeper.review._grant_match import covers, granted_verdict
from watchkeeper.review._grant_model import Grant, GrantSpec
from watchkeeper.statefile import StateFile, StateFileError

__all__ = ["GRANTS_FILE", "GrantStore", "open_grants"]

#: The grants file in a watchkeeper home.
GRANTS_FILE = "grants.json"
#: Session id of review events outside any agent session.
REVIEW_SESSION = "review"
#: Ended grants are kept this long for `grant list --all`, then dropped from the file.
_KEEP_ENDED = timedelta(days=7)

#: Appends events to the ledger durably, raising on failure (`Pipeline.record`).
Recorder = Callable[[Sequence[Event]], object]


class GrantStore:
    """Grants in a JSON state file; every creation and revocation is recorded via `record`.

    Safe to share between threads and processes (the file is changed under a lock and
    replaced atomically). `apply` is what the gateway's pipeline calls on every `ask`.
    Without `record` the store can be read and applied but not changed (`recording` returns
    one that can, e.g. once the pipeline that records exists).
    """

    def __init__(self, path: Path, record: Recorder | None = None) -> None:
        self._file = StateFile(path)
        self._record_to = record

    def recording(self, record: Recorder) -> GrantStore:
        """Return a store over the same file that records changes with `record`."""
        return GrantStore(self.path, record)

    def _record(self, events: Sequence[Event]) -> None:
        if self._record_to is None:
            raise GrantError(
                f"grant store `{self.path}` was opened without a ledger to record into; "
                "open it with `open_grants` or `recording`"
            )
        self._record_to(events)

    @property
    def path(self) -> Path:
        """The grants file."""
        return self._file.path

    def create(
        self, spec: GrantSpec, *, session_id: str = REVIEW_SESSION, approval_id: str | None = None
    ) -> Grant:
        """Store a grant for `spec`, record it (action ``grant``) and return it.

        If the ledger does not record it, the grant is removed again and the error raised.
        """
        now = utcnow()
        grant = Grant(
            id=secrets.token_hex(8),
            spec=spec,
            created_at=now,
            expires_at=now + spec.duration,
            approval_id=approval_id,
        )
        with self._file.update() as data:
            kept = _prune(data, now)
            kept[grant.id] = grant.model_dump(mode="json")
        event = ReviewEvent(
            deployment_id=spec.deployment_id,
            session_id=session_id,
            action="grant",
            reviewer=spec.created_by,
            target=f"grant:{grant.id}",
            reason=spec.reason,
            detail={
                **spec.model_dump(mode="json"),
                "expires_at": grant.expires_at.isoformat(),
                "approval_id": approval_id,
            },
        )
        try:
            self._record([event])
        except Exception:
            with self._file.update() as data:
                _grants(data).pop(grant.id, None)
            raise
        return grant

    def list(self, *, include_ended: bool = False) -> builtins.list[Grant]:
        """Return the grants, oldest first: active ones, or also revoked/expired ones."""
        now = utcnow()
        grants = sorted(self._load().values(), key=lambda g: g.created_at)
        return [g for g in grants if include_ended or g.active(now)]

    def get(self, grant_id: str) -> Grant:
        """Return the grant `grant_id` (active or not), or raise `GrantNotFoundError`."""
        grant = self._load().get(grant_id)
        if grant is None:
            raise GrantNotFoundError(
                f"grant `{grant_id}` does not exist; see `watchkeeper grant list --all`"
            )
        return grant

    def revoke(self, grant_id: str, *, by: str, reason: str = "") -> Grant:
        """End grant `grant_id` now and record it (action ``revoke``); return the revoked grant.

        The grant ends even when the ledger fails; the `GrantError` raised then says so.
        """
        now = utcnow()
        with self._file.update() as data:
            raw = _grants(data).get(grant_id)
            if raw is None:
                raise GrantNotFoundError(
                    f"grant `{grant_id}` does not exist; see `watchkeeper grant list --all`"
                )
            grant = _parse(grant_id, raw, self.path)
            if grant.revoked_at is not None:
                raise GrantError(f"grant `{grant_id}` is already revoked; nothing to do")
            grant = grant.model_copy(update={"revoked_at": now, "revoked_by": by})
            _grants(data)[grant_id] = grant.model_dump(mode="json")
        event = ReviewEvent(
            deployment_id=grant.spec.deployment_id,
            session_id=REVIEW_SESSION,
            action="revoke",
            reviewer=by,
            target=f"grant:{grant_id}",
            reason=reason,
            detail={"grant": grant.describe()},
        )
        try:
            self._record([event])
        except GrantError:
            raise
        except Exception as exc:
            raise GrantError(
                f"grant `{grant_id}` is revoked but the ledger did not record it "
                f"({type(exc).__name__}: {exc}); check the ledger"
            ) from exc
        return grant

    def apply(self, call: ToolCall, action: Action, verdict: Verdict) -> Verdict | None:
        """Return the allow verdict of the first active grant covering an `ask`, else None.

        Only an `ask` is ever changed: a deny or allow verdict returns None untouched.
        """
        if verdict.decision is not Decision.ASK:
            return None
        now = utcnow()
        for grant in self.list():
            if covers(grant, call, action, now):
                return granted_verdict(grant, verdict)
        return None

    def _load(self) -> dict[str, Grant]:
        try:
            data = self._file.read()
        except StateFileError as exc:
            raise GrantError(f"{exc}; fix or remove the file") from exc
        return {key: _parse(key, raw, self.path) for key, raw in _grants(data).items()}


def _grants(data: dict[str, Any]) -> dict[str, Any]:
    grants = data.setdefault("grants", {})
    if not isinstance(grants, dict):
        raise GrantError("the grants file's `grants` is not an object; fix or remove the file")
    data.setdefault("version", 1)
    return grants


def _parse(key: str, raw: Any, path: Path) -> Grant:
    try:
        return Grant.model_validate(raw)
    except ValidationError as exc:
        first = str(exc).splitlines()[0]
        raise GrantError(f"grant `{key}` in `{path}` is not valid ({first}); remove it") from exc


def _prune(data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Drop grants that ended over a week ago; return the grants object."""
    grants = _grants(data)
    for key in builtins.list(grants):
        try:
            grant = Grant.model_validate(grants[key])
        except ValidationError:
            continue
        ended = grant.revoked_at or grant.expires_at
        if ended + _KEEP_ENDED < now:
            del grants[key]
    return grants


def open_grants(home: Path) -> GrantStore:
    """Return the grant store of `home`, recording into its ledger (`open_ledger`) per change.

    For the CLI; a running gateway records through its pipeline instead.
    """

    def record(events: Sequence[Event]) -> object:
        from watchkeeper.ledger import open_ledger

        with open_ledger(home) as ledger:
            return ledger.append(events)

    return GrantStore(home / GRANTS_FILE, record)
