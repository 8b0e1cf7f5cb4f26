"""Bearer tokens: one or more per deployment, stored only as SHA-256 hashes.

The store is a small JSON file (mode 0600) rewritten atomically under a lock file, so the
CLI can issue or revoke tokens while a gateway is serving; the gateway re-reads the file
when it changes.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from watchkeeper.clock import utcnow
from watchkeeper.statefile import Reloading, StateFile, write_private

__all__ = [
    "TOKEN_PREFIX",
    "DeploymentIdError",
    "Principal",
    "TokenNotFoundError",
    "TokenRecord",
    "TokenStore",
    "TokenStoreError",
    "ensure_admin_token",
    "token_fingerprint",
    "valid_deployment_id",
    "write_private",
]

#: Every token starts with this, so leaked tokens are easy to recognise and scan for.
TOKEN_PREFIX = "wk_"  # noqa: S105 - a public marker, not a secret
_SHOWN_CHARS = len(TOKEN_PREFIX) + 8
_DEPLOYMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
_FORMAT_VERSION = 1


class DeploymentIdError(ValueError):
    """A deployment id is empty, too long or uses characters outside ``A-Z a-z 0-9 . _ : -``."""


class TokenNotFoundError(LookupError):
    """No token matches the deployment id or prefix given to `revoke`."""


class TokenStoreError(RuntimeError):
    """The token file cannot be read or parsed."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts for: the token's deployment, and whether it may administer all."""

    deployment_id: str
    admin: bool = False


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """One issued token as stored: never the token itself, only its hash and shown prefix."""

    prefix: str
    sha256: str
    deployment_id: str
    created: datetime
    expires: datetime | None = None
    revoked: bool = False
    admin: bool = False

    def active(self, now: datetime) -> bool:
        """Return whether the token is neither revoked nor expired at `now`."""
        return not self.revoked and (self.expires is None or now < self.expires)

    def to_json(self) -> dict[str, Any]:
        """Return the record as stored in the token file."""
        return {
            "prefix": self.prefix,
            "sha256": self.sha256,
            "deployment_id": self.deployment_id,
            "created": self.created.isoformat(),
            "expires": None if self.expires is None else self.expires.isoformat(),
            "revoked": self.revoked,
            "admin": self.admin,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TokenRecord:
        """Parse a record from the token file."""
        expires = data.get("expires")
        return cls(
            prefix=str(data["prefix"]),
            sha256=str(data["sha256"]),
            deployment_id=str(data["deployment_id"]),
            created=datetime.fromisoformat(data["created"]),
            expires=None if expires is None else datetime.fromisoformat(expires),
            revoked=bool(data.get("revoked", False)),
            admin=bool(data.get("admin", False)),
        )


def valid_deployment_id(deployment_id: str) -> bool:
    """Return whether `deployment_id` is 1-200 characters of ``A-Z a-z 0-9 . _ : -``."""
    return _DEPLOYMENT_ID.fullmatch(deployment_id) is not None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_fingerprint(token: str) -> str:
    """Return a short hash of `token` that names it in logs and alerts without revealing it."""
    return _digest(token)[:12]


class TokenStore:
    """Issues, resolves, lists and revokes bearer tokens kept in the JSON file at `path`."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = StateFile(path)
        self._records: Reloading[dict[str, TokenRecord]] = Reloading(
            path, lambda: {r.sha256: r for r in self._read()}, dict
        )

    @property
    def path(self) -> Path:
        """The token file."""
        return self._path

    def issue(
        self, deployment_id: str, *, expires: timedelta | None = None, admin: bool = False
    ) -> str:
        """Create a token for `deployment_id` and return it; only its hash is stored."""
        if not valid_deployment_id(deployment_id):
            raise DeploymentIdError(
                f"deployment id `{deployment_id}` is not valid; use 1-200 characters "
                "from A-Z a-z 0-9 . _ : - starting with a letter or digit"
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        record = TokenRecord(
            prefix=token[:_SHOWN_CHARS],
            sha256=_digest(token),
            deployment_id=deployment_id,
            created=now,
            expires=None if expires is None else now + expires,
            admin=admin,
        )
        with self._locked() as records:
            records.append(record)
        return token

    def resolve(self, token: str) -> Principal | None:
        """Return the principal `token` acts for, or None if it is unknown, revoked or expired.

        Lookup is by the token's sha256: tokens carry 256 random bits, so the timing of a
        dictionary lookup on their digest reveals nothing an attacker can use.
        """
        record = self._current().get(_digest(token))
        if record is None or not record.active(utcnow()):
            return None
        return Principal(deployment_id=record.deployment_id, admin=record.admin)

    def lookup(self, token: str) -> TokenRecord | None:
        """Return the stored record of `token` whatever its state; None if never issued here."""
        return self._current().get(_digest(token))

    def revoke(self, target: str) -> builtins.list[TokenRecord]:
        """Revoke every active token of deployment `target`, or the token whose prefix it is."""
        revoked: builtins.list[TokenRecord] = []
        with self._locked() as records:
            for index, record in enumerate(records):
                if record.revoked:
                    continue
                if record.deployment_id == target or (
                    len(target) >= _SHOWN_CHARS and record.prefix == target[:_SHOWN_CHARS]
                ):
                    records[index] = replace(record, revoked=True)
                    revoked.append(records[index])
        if not revoked:
            raise TokenNotFoundError(
                f"no active token matches `{target}`; "
                "run `watchkeeper token list` for deployment ids and prefixes"
            )
        return revoked

    def list(self) -> builtins.list[TokenRecord]:
        """Return every token record, revoked and expired ones included."""
        return builtins.list(self._current().values())

    def _current(self) -> dict[str, TokenRecord]:
        """Return the records by digest, re-reading the file only when it changed on disk."""
        return self._records.current()

    def _read(self) -> builtins.list[TokenRecord]:
        text = self._file.read_text()
        if text is None:
            return []
        try:
            data = json.loads(text)
            return [TokenRecord.from_json(item) for item in data["tokens"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise TokenStoreError(
                f"token file `{self._path}` is corrupt ({exc}); restore it or delete it "
                "and issue new tokens"
            ) from exc

    @contextlib.contextmanager
    def _locked(self) -> Iterator[builtins.list[TokenRecord]]:
        """Read-modify-write the file under an exclusive lock; write only on success."""
        with self._file.locked():
            records = self._read()
            yield records
            payload = {"version": _FORMAT_VERSION, "tokens": [r.to_json() for r in records]}
            self._file.write_text(json.dumps(payload, indent=2) + "\n")


def ensure_admin_token(store: TokenStore, path: Path) -> Path:
    """Make sure `path` holds a working admin token (issued on first use); return `path`."""
    with contextlib.suppress(FileNotFoundError):
        principal = store.resolve(path.read_text(encoding="utf-8").strip())
        if principal is not None and principal.admin:
            return path
    write_private(path, store.issue("local", admin=True) + "\n")
    return path
