"""Password policy and argon2id hashing."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from watchkeeper.accounts import PasswordPolicyError, Passwords, check_password_policy


def test_short_password_is_refused_with_its_length() -> None:
    """A password under 12 characters is refused, naming its length and the minimum."""
    with pytest.raises(PasswordPolicyError, match=r"`11` characters; use at least 12"):
        check_password_policy("x" * 11)


def test_whitespace_password_is_refused() -> None:
    """A password of only spaces is refused however long it is."""
    with pytest.raises(PasswordPolicyError, match="only whitespace"):
        check_password_policy(" " * 20)


def test_overlong_password_is_refused() -> None:
    """A password over 1024 characters is refused (hashing it would be a DoS lever)."""
    with pytest.raises(PasswordPolicyError, match="at most 1024"):
        check_password_policy("x" * 1025)


def test_twelve_characters_are_enough() -> None:
    """A 12-character password passes the policy."""
    check_password_policy("abcdefghijkl")


def test_hash_is_argon2id_and_verifies() -> None:
    """Hashes are argon2id with the default parameters; only the right password verifies."""
    passwords = Passwords()
    hashed = passwords.hash("correct horse battery")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify(hashed, "correct horse battery")
    assert not passwords.verify(hashed, "correct horse batterY")


def test_malformed_hash_never_verifies() -> None:
    """A corrupt stored hash is a failed check, not an exception."""
    assert not Passwords().verify("not-a-hash", "correct horse battery")


def test_old_parameters_need_rehash() -> None:
    """A hash made with other parameters than the current ones is flagged for rehashing."""
    old = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    assert Passwords().needs_rehash(old.hash("correct horse battery"))
    assert not old.needs_rehash(old.hash("correct horse battery"))
