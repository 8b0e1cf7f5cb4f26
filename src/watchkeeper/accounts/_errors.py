"""The failures of the accounts package, one class per thing a caller can act on."""

from __future__ import annotations

__all__ = [
    "AccountError",
    "PasswordPolicyError",
    "UserExistsError",
    "UserFileError",
    "UserNameError",
    "UserNotFoundError",
    "UserRecordError",
    "UserStateError",
]


class AccountError(Exception):
    """Base class of every accounts error."""


class UserNameError(AccountError, ValueError):
    """A user name is not valid or is reserved."""


class PasswordPolicyError(AccountError, ValueError):
    """A new password does not meet the password policy."""


class UserExistsError(AccountError):
    """A user with that name already exists."""


class UserNotFoundError(AccountError):
    """No user has that name."""


class UserStateError(AccountError):
    """The user is not in a state that allows the change (e.g. already disabled)."""


class UserFileError(AccountError):
    """`users.json` cannot be read or is corrupt."""


class UserRecordError(AccountError):
    """The ledger did not record an account change."""
