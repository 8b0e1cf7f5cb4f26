"""`UserStore`: adding, listing, disabling and authenticating users in `users.json`."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from watchkeeper.accounts import (
    PasswordPolicyError,
    Passwords,
    Role,
    UserExistsError,
    UserFileError,
    UserNameError,
    UserNotFoundError,
    UserRecordError,
    UserStateError,
    UserStore,
)
from watchkeeper.events import Event

from .conftest import ALICE_PASSWORD, Recorder, fast_passwords


def test_authenticate_returns_the_user_for_the_right_password(users: UserStore) -> None:
    """The right password yields the user with its role."""
    user = users.authenticate("alice", ALICE_PASSWORD)
    assert user is not None
    assert (user.name, user.role) == ("alice", Role.REVIEWER)


def test_authenticate_refuses_a_wrong_password(users: UserStore) -> None:
    """A wrong password yields None."""
    assert users.authenticate("alice", ALICE_PASSWORD + "!") is None


def test_authenticate_refuses_an_unknown_user(users: UserStore) -> None:
    """An unknown name yields None, like a wrong password."""
    assert users.authenticate("mallory", ALICE_PASSWORD) is None


def test_disabled_user_cannot_authenticate(users: UserStore) -> None:
    """After `disable`, even the right password yields None."""
    users.disable("alice")
    assert users.authenticate("alice", ALICE_PASSWORD) is None


def test_file_holds_argon2id_hashes_only_with_mode_0600(users: UserStore) -> None:
    """`users.json` is owner-only and holds an argon2id hash, never the password."""
    text = users.path.read_text()
    assert stat.S_IMODE(users.path.stat().st_mode) == 0o600
    assert ALICE_PASSWORD not in text
    assert "$argon2id$" in text


def test_list_is_sorted_by_name(tmp_path: Path) -> None:
    """`list` returns every user sorted by name."""
    store = UserStore(tmp_path / "users.json", passwords=fast_passwords())
    for name in ("zoe", "adam", "mia"):
        store.add(name, Role.REVIEWER, ALICE_PASSWORD)
    assert [u.name for u in store.list()] == ["adam", "mia", "zoe"]


@pytest.mark.parametrize("name", ["Alice", "-x", "", "a" * 65, "al ice", "cli", "system"])
def test_invalid_or_reserved_names_are_refused(users: UserStore, name: str) -> None:
    """Names outside `[a-z0-9][a-z0-9._-]{0,63}`, and `cli`/`system`, are refused."""
    with pytest.raises(UserNameError, match=f"`{name}`"):
        users.add(name, Role.REVIEWER, ALICE_PASSWORD)


def test_short_password_is_refused_on_add(users: UserStore) -> None:
    """`add` applies the password policy."""
    with pytest.raises(PasswordPolicyError, match="at least 12"):
        users.add("bob", Role.REVIEWER, "short")


def test_adding_an_existing_name_fails(users: UserStore) -> None:
    """A second `add` of a name fails and names it."""
    with pytest.raises(UserExistsError, match="`alice` already exists"):
        users.add("alice", Role.ADMIN, ALICE_PASSWORD)


def test_disabling_twice_or_unknown_fails(users: UserStore) -> None:
    """Disabling an unknown or already disabled user is an error naming it."""
    users.disable("alice")
    with pytest.raises(UserStateError, match="`alice` is already disabled"):
        users.disable("alice")
    with pytest.raises(UserNotFoundError, match="no user `bob`"):
        users.disable("bob")


def test_changes_are_recorded_as_review_events(tmp_path: Path) -> None:
    """`add` and `disable` each record a review event naming the user, never the password."""
    recorder = Recorder()
    store = UserStore(tmp_path / "users.json", record=recorder, passwords=fast_passwords())
    store.add("bob", Role.ADMIN, ALICE_PASSWORD, detail={"os_user": "ops"})
    store.disable("bob")
    [added] = recorder.reviews("user_add")
    [disabled] = recorder.reviews("user_disable")
    assert (added.reviewer, added.target, added.session_id) == ("cli", "user:bob", "review")
    assert added.detail == {"role": "admin", "os_user": "ops"}
    assert disabled.target == "user:bob"
    assert ALICE_PASSWORD not in added.model_dump_json()


def test_add_is_not_written_when_the_ledger_fails(tmp_path: Path) -> None:
    """A user the ledger did not record is not created."""

    def broken(_events: Sequence[Event]) -> object:
        raise OSError("disk full")

    store = UserStore(tmp_path / "users.json", record=broken, passwords=fast_passwords())
    with pytest.raises(UserRecordError, match="did not record `user_add` of `bob`"):
        store.add("bob", Role.ADMIN, ALICE_PASSWORD)
    assert store.get("bob") is None


def test_disable_takes_effect_even_when_the_ledger_fails(users: UserStore) -> None:
    """Disabling is never held up by the ledger; the error says it was not recorded."""

    def broken(_events: Sequence[Event]) -> object:
        raise OSError("disk full")

    store = UserStore(users.path, record=broken, passwords=fast_passwords())
    with pytest.raises(UserRecordError, match="`alice` is disabled but the ledger"):
        store.disable("alice")
    assert users.authenticate("alice", ALICE_PASSWORD) is None


def test_login_rehashes_a_hash_with_old_parameters(tmp_path: Path) -> None:
    """A successful sign-in replaces a hash made with older parameters."""
    path = tmp_path / "users.json"
    old = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    UserStore(path, passwords=old).add("bob", Role.REVIEWER, ALICE_PASSWORD)
    current = Passwords(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    store = UserStore(path, passwords=current)
    before = store.get("bob")
    assert before is not None
    assert store.authenticate("bob", ALICE_PASSWORD) is not None
    after = store.get("bob")
    assert after is not None
    assert after.password_hash != before.password_hash
    assert "m=16,t=2,p=1" in after.password_hash
    assert not current.needs_rehash(after.password_hash)


def test_other_processes_changes_are_seen(users: UserStore) -> None:
    """A change made through another store on the same file is seen at the next read."""
    other = UserStore(users.path, passwords=fast_passwords())
    other.disable("alice")
    user = users.get("alice")
    assert user is not None
    assert user.disabled


def test_corrupt_file_is_reported(tmp_path: Path) -> None:
    """A corrupt `users.json` raises an error naming the file."""
    path = tmp_path / "users.json"
    path.write_text('{"version": 1, "users": [{"name": 3}]}')
    with pytest.raises(UserFileError, match=r"users\.json` is corrupt"):
        UserStore(path).list()
