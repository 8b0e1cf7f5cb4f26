"""Password policy and argon2id hashing (argon2-cffi's `PasswordHasher`, RFC 9106 defaults)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from watchkeeper.accounts._errors import PasswordPolicyError

__all__ = ["MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH", "Passwords", "check_password_policy"]

#: Shortest password accepted for a new account.
MIN_PASSWORD_LENGTH = 12
#: Longest password accepted: hashing is deliberately slow, so unbounded input is a DoS lever.
MAX_PASSWORD_LENGTH = 1024


def check_password_policy(password: str) -> None:
    """Raise `PasswordPolicyError` unless `password` is acceptable for a new account."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"the password has `{len(password)}` characters; use at least {MIN_PASSWORD_LENGTH}"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"the password has `{len(password)}` characters; use at most {MAX_PASSWORD_LENGTH}"
        )
    if not password.strip():
        raise PasswordPolicyError("the password is only whitespace; choose a real one")


class Passwords:
    """Hashes and verifies passwords with `hasher` (argon2id with argon2-cffi's defaults)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher if hasher is not None else PasswordHasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """Return the argon2id hash of `password`."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether `password` matches `password_hash` (a malformed hash never matches)."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return False
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_nobody(self, password: str) -> None:
        """Spend the time a real verification takes, so unknown users are not told apart."""
        if self._dummy is None:
            self._dummy = self._hasher.hash(secrets.token_urlsafe(24))
        self.verify(self._dummy, password[:MAX_PASSWORD_LENGTH])

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether `password_hash` was made with other parameters than the current ones."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True
