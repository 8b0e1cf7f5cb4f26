"""`<home>/users.json`: review accounts with argon2id password hashes, changed under a lock.

The file is a `StateFile` (flock for writers, atomic 0600 replacement), so the CLI can add or
disable a user while the gateway runs; the gateway re-reads it when its inode, mtime or size
changes, which costs one `stat` per request. Adding a user is recorded in the ledger before
it is written (nothing is authorised unrecorded); disabling takes effect first, so a ledger
outage never keeps a user signed in (the error then says the change was not recorded).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from watchkeeper.accounts._errors import (
    UserExistsError,
    UserFileError,
    UserNameError,
    UserNotFoundError,
    UserRecordError,
    UserStateError,
)
from watchkeeper.accounts._model import RESERVED_USER_NAMES, USER_NAME_PATTERN, Role, User
from watchkeeper.accounts._passwords import Passwords, check_password_policy
from watchkeeper.clock import utcnow
from watchkeeper.events import Event, ReviewEvent
from watchkeeper.statefile import Reloading, StateFile, StateFileError

__all__ = ["REVIEW_SESSION", "USERS_FILE", "UserStore", "check_user_name", "open_user_store"]

#: The accounts file inside a watchkeeper home.
USERS_FILE = "users.json"
#: Session id that review events outside any agent session are filed under.
REVIEW_SESSION = "review"
_FORMAT_VERSION = 1

EventSink = Callable[[Sequence[Event]], object]


def check_user_name(name: str) -> None:
    """Raise `UserNameError` unless `name` may name a new user."""
    if not USER_NAME_PATTERN.fullmatch(name):
        raise UserNameError(
            f"user name `{name}` is not valid; use 1-64 characters from a-z 0-9 . _ - "
            "starting with a letter or digit"
        )
    if name in RESERVED_USER_NAMES:
        raise UserNameError(f"user name `{name}` is reserved for the ledger; pick another")


class UserStore:
    """The users in the JSON file at `path`; changes are sent to `record` when given."""

    def __init__(
        self,
        path: Path,
        *,
        record: EventSink | None = None,
        passwords: Passwords | None = None,
    ) -> None:
        self._file = StateFile(path)
        self._record = record
        self._passwords = passwords if passwords is not None else Passwords()
        self._users: Reloading[Mapping[str, User]] = Reloading(
            path, lambda: self._parse(self._read()), dict
        )

    @property
    def path(self) -> Path:
        """The accounts file."""
        return self._file.path

    def current(self) -> Mapping[str, User]:
        """Return the users by name, re-reading the file only when it changed on disk."""
        return self._users.current()

    def get(self, name: str) -> User | None:
        """Return user `name`, or None when there is none."""
        return self.current().get(name)

    def list(self) -> builtins.list[User]:
        """Return every user, sorted by name."""
        return sorted(self.current().values(), key=lambda user: user.name)

    def add(
        self,
        name: str,
        role: Role,
        password: str,
        *,
        actor: str = "cli",
        detail: Mapping[str, Any] | None = None,
    ) -> User:
        """Create user `name` with `role`; the ledger records it before it is written."""
        check_user_name(name)
        check_password_policy(password)
        user = User(
            name=name,
            role=Role(role),
            password_hash=self._passwords.hash(password),
            created_at=utcnow(),
        )
        with self._file.update() as data:
            users = self._parse(data)
            if name in users:
                state = "disabled" if users[name].disabled else "active"
                raise UserExistsError(f"user `{name}` already exists ({state}); pick another name")
            self._emit("user_add", name, actor, {"role": str(user.role), **(detail or {})})
            users[name] = user
            self._store(data, users)
        return user

    def disable(
        self, name: str, *, actor: str = "cli", detail: Mapping[str, Any] | None = None
    ) -> User:
        """Disable user `name`: it can no longer sign in and its sessions end at once."""
        with self._file.update() as data:
            users = self._parse(data)
            current = users.get(name)
            if current is None:
                raise UserNotFoundError(f"there is no user `{name}`; see `watchkeeper user list`")
            if current.disabled:
                raise UserStateError(f"user `{name}` is already disabled; nothing to do")
            changed = current.model_copy(update={"disabled": True, "disabled_at": utcnow()})
            users[name] = changed
            self._store(data, users)
        try:
            self._emit("user_disable", name, actor, dict(detail or {}))
        except UserRecordError as exc:
            raise UserRecordError(
                f"user `{name}` is disabled but the ledger did not record it ({exc}); "
                "check the ledger"
            ) from exc
        return changed

    def authenticate(self, name: str, password: str) -> User | None:
        """Return the active user `name` when `password` is theirs, else None.

        Unknown and disabled users cost one verification too, so timing does not tell
        which names exist. A hash made with old parameters is replaced on success.
        """
        user = self.current().get(name)
        if user is None or user.disabled:
            self._passwords.verify_nobody(password)
            return None
        if not self._passwords.verify(user.password_hash, password):
            return None
        if self._passwords.needs_rehash(user.password_hash):
            self._rehash(name, user.password_hash, password)
        return user

    def _rehash(self, name: str, old_hash: str, password: str) -> None:
        new_hash = self._passwords.hash(password)
        with self._file.update() as data:
            users = self._parse(data)
            current = users.get(name)
            if current is None or current.password_hash != old_hash:
                return
            users[name] = current.model_copy(update={"password_hash": new_hash})
            self._store(data, users)

    def _emit(self, action: str, name: str, actor: str, detail: dict[str, Any]) -> None:
        if self._record is None:
            return
        event = ReviewEvent(
            session_id=REVIEW_SESSION,
            action=action,
            reviewer=actor,
            target=f"user:{name}",
            detail=detail,
        )
        try:
            self._record([event])
        except Exception as exc:
            raise UserRecordError(
                f"the ledger did not record `{action}` of `{name}`: {type(exc).__name__}: {exc}"
            ) from exc

    def _read(self) -> dict[str, Any]:
        try:
            return self._file.read()
        except StateFileError as exc:
            raise UserFileError(
                f"{exc}; restore `{self.path.name}` from a backup — the ledger's "
                "`user_add` and `user_disable` events record every change"
            ) from exc
        except OSError as exc:
            raise UserFileError(
                f"cannot read the accounts file `{self.path}` ({exc.strerror}); "
                "check its permissions"
            ) from exc

    def _parse(self, data: Mapping[str, Any]) -> dict[str, User]:
        if not data:
            return {}
        try:
            if data.get("version") != _FORMAT_VERSION:
                raise ValueError(f"unknown format version {data.get('version')!r}")
            found = [User.model_validate(item) for item in data["users"]]
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise UserFileError(
                f"accounts file `{self.path}` is corrupt ({first}); restore it from a backup"
            ) from exc
        return {user.name: user for user in found}

    @staticmethod
    def _store(data: dict[str, Any], users: Mapping[str, User]) -> None:
        data.clear()
        data["version"] = _FORMAT_VERSION
        data["users"] = [users[name].model_dump(mode="json") for name in sorted(users)]


def _ledger_sink(home: Path) -> EventSink:
    """Return a sink that opens the home's ledger per change (changes are rare)."""

    def record(events: Sequence[Event]) -> object:
        from watchkeeper.ledger import open_ledger

        with open_ledger(home) as ledger:
            return ledger.append(events)

    return record


def open_user_store(home: Path, *, record: bool = True) -> UserStore:
    """Return the users of `home` (`<home>/users.json`); with `record`, every change is
    recorded in the home's ledger."""
    return UserStore(home / USERS_FILE, record=_ledger_sink(home) if record else None)
