"""The registry: register, inspect, suspend, resume and revoke deployments; resolve tokens.

Every change is a `DeploymentEvent` in the ledger. Changes that widen what may run
(`register`, `resume`, `issue_token`) are recorded before they take effect, so nothing is
authorised unrecorded; changes that narrow it (`suspend`, `revoke`) take effect first, so a
ledger outage never delays the kill switch (the error then says the change was not recorded).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from watchkeeper.clock import utcnow
from watchkeeper.deployments._errors import (
    DeploymentExistsError,
    DeploymentInputError,
    DeploymentNotFoundError,
    DeploymentStateError,
    RegistryRecordError,
)
from watchkeeper.deployments._file import DeploymentFile
from watchkeeper.deployments._hosts import check_hosts
from watchkeeper.deployments._model import Deployment
from watchkeeper.deployments._policy import check_policy_settings
from watchkeeper.events import DeploymentEvent, Event
from watchkeeper.gateway import (
    TOKEN_PREFIX,
    DeploymentIdError,
    TokenNotFoundError,
    TokenRecord,
    TokenStore,
    valid_deployment_id,
)
from watchkeeper.policy import PolicyError

__all__ = ["DEPLOYMENTS_FILE", "RESERVED_NAMES", "EventSink", "Registry", "open_registry"]

#: The registry file inside a watchkeeper home.
DEPLOYMENTS_FILE = "deployments.json"
#: Names the gateway uses itself: `local` for its admin token, `unknown` for unknown agents.
RESERVED_NAMES = frozenset({"local", "unknown"})
#: Session id the registry's own ledger events are filed under.
_SESSION = "registry"
_SHOWN = len(TOKEN_PREFIX) + 8

#: Appends events to the ledger durably, raising on failure.
EventSink = Callable[[Sequence[Event]], object]


class Registry:
    """Deployments in `file`, their tokens in `tokens`, every change sent to `record`."""

    def __init__(self, file: DeploymentFile, tokens: TokenStore, record: EventSink) -> None:
        self._file = file
        self._tokens = tokens
        self._record = record

    @property
    def tokens(self) -> TokenStore:
        """The token store deployment tokens are issued from."""
        return self._tokens

    def register(
        self,
        name: str,
        *,
        owner: str,
        purpose: str,
        policy: str | None = None,
        expires: datetime | None = None,
        max_procs: int | None = None,
        allow_hosts: Sequence[str] = (),
        actor: str,
    ) -> tuple[Deployment, str]:
        """Register deployment `name` and return it with its first token (shown only here)."""
        _check_name(name)
        now = utcnow()
        if expires is not None and expires <= now:
            raise DeploymentStateError(
                f"expiry `{expires.isoformat()}` of `{name}` is in the past; give a future one"
            )
        try:
            deployment = Deployment(
                name=name,
                owner=owner,
                purpose=purpose,
                policy=policy,
                created=now,
                expires=expires,
                max_procs=max_procs,
                allow_hosts=check_hosts(allow_hosts),
            )
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            field = ".".join(str(p) for p in first["loc"])
            raise DeploymentInputError(
                f"`{field}` of deployment `{name}` is not valid: {first['msg'].lower()}"
            ) from exc
        try:
            check_policy_settings(deployment.policy, deployment.allow_hosts)
        except PolicyError as exc:
            raise DeploymentInputError(
                f"deployment `{name}` cannot use its policy settings: {exc}"
            ) from exc
        with self._file.locked() as records:
            if name in records:
                state = records[name].state(now)
                raise DeploymentExistsError(
                    f"deployment `{name}` is already registered ({state}); "
                    "pick another name"
                    + (" — revoked names stay taken" if state == "revoked" else "")
                )
            # Tokens bound to the name before it was registered never become valid by it.
            try:
                stale = [r.prefix for r in self._tokens.revoke(name)]
            except TokenNotFoundError:
                stale = []
            token = self._tokens.issue(name, expires=_lifetime(expires, now))
            detail = deployment.model_dump(mode="json", exclude={"name", "status", "reason"})
            detail |= {"token": token[:_SHOWN], "revoked_earlier_tokens": stale}
            try:
                self._emit("register", name, actor, detail)
            except RegistryRecordError:
                self._tokens.revoke(token[:_SHOWN])
                raise
            records[name] = deployment
        return deployment, token

    def issue_token(self, name: str, *, actor: str, expires: timedelta | None = None) -> str:
        """Issue another token for active deployment `name`; it ends with the deployment."""
        now = utcnow()
        deployment = self._require(name)
        state = deployment.state(now)
        if state != "active":
            raise DeploymentStateError(
                f"deployment `{name}` is {state}; tokens are issued only to active deployments"
            )
        lifetime = _lifetime(deployment.expires, now)
        if expires is not None:
            lifetime = expires if lifetime is None else min(lifetime, expires)
        token = self._tokens.issue(name, expires=lifetime)
        try:
            self._emit("token", name, actor, {"token": token[:_SHOWN]})
        except RegistryRecordError:
            self._tokens.revoke(token[:_SHOWN])
            raise
        return token

    def get(self, name: str) -> Deployment | None:
        """Return deployment `name`, or None if it is not registered."""
        return self._file.current().get(name)

    def list(self) -> builtins.list[Deployment]:
        """Return every registered deployment (revoked ones included), by name."""
        return sorted(self._file.current().values(), key=lambda d: d.name)

    def token_records(self, name: str) -> builtins.list[TokenRecord]:
        """Return the stored records (prefix, expiry, status) of the tokens of `name`."""
        return [r for r in self._tokens.list() if r.deployment_id == name and not r.admin]

    def suspend(self, name: str, *, actor: str, reason: str = "") -> Deployment:
        """Deny every call of `name` until it is resumed; its tokens stay issued."""
        changed = self._set_status(name, "suspended", reason, allowed=("active",))
        self._emit_after("suspend", changed, actor, {"reason": reason})
        return changed

    def resume(self, name: str, *, actor: str, reason: str = "") -> Deployment:
        """Let suspended deployment `name` make calls again."""
        current = self._require(name)
        if current.status != "suspended":
            raise DeploymentStateError(
                f"deployment `{name}` is {current.state(utcnow())}; only a suspended one resumes"
            )
        self._emit("resume", name, actor, {"reason": reason})
        return self._set_status(name, "active", reason, allowed=("suspended",))

    def revoke(self, name: str, *, actor: str, reason: str = "") -> Deployment:
        """Revoke `name` for good and every token of it at once."""
        changed = self._set_status(name, "revoked", reason, allowed=("active", "suspended"))
        try:
            revoked = self._tokens.revoke(name)
        except TokenNotFoundError:
            revoked = []
        prefixes = [r.prefix for r in revoked]
        self._emit_after("revoke", changed, actor, {"reason": reason, "tokens": prefixes})
        return changed

    def revoke_tokens(self, target: str, *, actor: str) -> builtins.list[TokenRecord]:
        """Revoke every active token of deployment `target`, or the one token whose shown
        prefix it is; the deployment itself is unchanged. Raises `TokenNotFoundError`."""
        revoked = self._tokens.revoke(target)
        by_name: dict[str, builtins.list[str]] = {}
        for record in revoked:
            by_name.setdefault(record.deployment_id, []).append(record.prefix)
        for name, prefixes in by_name.items():
            try:
                self._emit("token-revoke", name, actor, {"tokens": prefixes})
            except RegistryRecordError as exc:
                raise RegistryRecordError(
                    f"tokens {', '.join(prefixes)} of `{name}` are revoked but the ledger did "
                    f"not record it ({exc}); check the ledger"
                ) from exc
        return revoked

    def resolve_token(self, token: str) -> Deployment | None:
        """Return the deployment `token` acts for, when both the token and it are active."""
        principal = self._tokens.resolve(token)
        if principal is None or principal.admin:
            return None
        deployment = self.get(principal.deployment_id)
        if deployment is None or deployment.state(utcnow()) != "active":
            return None
        return deployment

    def _require(self, name: str) -> Deployment:
        found = self.get(name)
        if found is None:
            raise DeploymentNotFoundError(
                f"no deployment is registered as `{name}`; run `watchkeeper deploy list`"
            )
        return found

    def _set_status(
        self, name: str, status: str, reason: str, *, allowed: tuple[str, ...]
    ) -> Deployment:
        with self._file.locked() as records:
            current = records.get(name)
            if current is None:
                raise DeploymentNotFoundError(
                    f"no deployment is registered as `{name}`; run `watchkeeper deploy list`"
                )
            if current.status not in allowed:
                raise DeploymentStateError(
                    f"deployment `{name}` is already {current.status}; nothing changed"
                )
            changed = current.model_copy(update={"status": status, "reason": reason})
            records[name] = changed
        return changed

    def _emit_after(
        self, action: str, changed: Deployment, actor: str, detail: dict[str, object]
    ) -> None:
        try:
            self._emit(action, changed.name, actor, detail)
        except RegistryRecordError as exc:
            raise RegistryRecordError(
                f"deployment `{changed.name}` is {changed.status} but the ledger did not record "
                f"it ({exc}); check the ledger"
            ) from exc

    def _emit(self, action: str, name: str, actor: str, detail: dict[str, object]) -> None:
        event = DeploymentEvent(
            deployment_id=name,
            session_id=_SESSION,
            action=action,
            name=name,
            actor=actor,
            detail=detail,
        )
        try:
            self._record([event])
        except Exception as exc:
            raise RegistryRecordError(
                f"the ledger did not record `{action}` of `{name}`: {type(exc).__name__}: {exc}"
            ) from exc


def _check_name(name: str) -> None:
    if not valid_deployment_id(name):
        raise DeploymentIdError(
            f"deployment name `{name}` is not valid; use 1-200 characters "
            "from A-Z a-z 0-9 . _ : - starting with a letter or digit"
        )
    if name in RESERVED_NAMES:
        raise DeploymentIdError(
            f"deployment name `{name}` is reserved for the gateway itself; pick another"
        )


def _lifetime(expires: datetime | None, now: datetime) -> timedelta | None:
    return None if expires is None else max(expires - now, timedelta(0))


def _ledger_sink(home: Path) -> EventSink:
    """Return a sink that opens `<home>/ledger.db` per change (changes are rare)."""

    def record(events: Sequence[Event]) -> object:
        from watchkeeper.ledger import open_ledger

        with open_ledger(home) as ledger:
            return ledger.append(events)

    return record


def open_registry(home: Path) -> Registry:
    """Return the registry of `home`: `<home>/deployments.json`, `<home>/tokens.json` and
    every change recorded in `<home>/ledger.db`."""
    return Registry(
        DeploymentFile(home / DEPLOYMENTS_FILE),
        TokenStore(home / "tokens.json"),
        _ledger_sink(home),
    )
