"""Accounts of the review UI: users with roles and argon2id passwords, sign-in sessions,
CSRF tokens and a rate limit on failed sign-ins.

Users live in `<home>/users.json` (managed with `watchkeeper user …`); sessions live in the
gateway's memory. `install_auth` adds `/login`, `/logout` and the `SessionGuard` middleware
to an app; page handlers then read `request.state.user` and `request.state.csrf_token`, or
call `current_user`, `require_role` and `check_csrf`. See docs/accounts.md.
"""

from __future__ import annotations

from watchkeeper.accounts._access import (
    AuthError,
    CsrfError,
    ForbiddenError,
    SignInRequiredError,
    auth_error_response,
    check_csrf,
    current_user,
    login_url,
    require_role,
    session_csrf_token,
)
from watchkeeper.accounts._csrf import (
    CSRF_FIELD,
    CSRF_HEADER,
    LOGIN_CSRF_COOKIE,
    LoginCsrf,
)
from watchkeeper.accounts._errors import (
    AccountError,
    PasswordPolicyError,
    UserExistsError,
    UserFileError,
    UserNameError,
    UserNotFoundError,
    UserRecordError,
    UserStateError,
)
from watchkeeper.accounts._guard import SessionGuard, is_ui_path, signed_in
from watchkeeper.accounts._limiter import Lockout, LoginLimiter
from watchkeeper.accounts._model import RESERVED_USER_NAMES, Role, User, WebUser
from watchkeeper.accounts._passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    Passwords,
    check_password_policy,
)
from watchkeeper.accounts._sessions import (
    DEFAULT_IDLE,
    DEFAULT_LIFETIME,
    SESSION_COOKIE,
    WebSession,
    WebSessions,
)
from watchkeeper.accounts._store import (
    REVIEW_SESSION,
    USERS_FILE,
    UserStore,
    check_user_name,
    open_user_store,
)
from watchkeeper.accounts._web import install_auth, safe_next

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "DEFAULT_IDLE",
    "DEFAULT_LIFETIME",
    "LOGIN_CSRF_COOKIE",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "RESERVED_USER_NAMES",
    "REVIEW_SESSION",
    "SESSION_COOKIE",
    "USERS_FILE",
    "AccountError",
    "AuthError",
    "CsrfError",
    "ForbiddenError",
    "Lockout",
    "LoginCsrf",
    "LoginLimiter",
    "PasswordPolicyError",
    "Passwords",
    "Role",
    "SessionGuard",
    "SignInRequiredError",
    "User",
    "UserExistsError",
    "UserFileError",
    "UserNameError",
    "UserNotFoundError",
    "UserRecordError",
    "UserStateError",
    "UserStore",
    "WebSession",
    "WebSessions",
    "WebUser",
    "auth_error_response",
    "check_csrf",
    "check_password_policy",
    "check_user_name",
    "current_user",
    "install_auth",
    "is_ui_path",
    "login_url",
    "open_user_store",
    "require_role",
    "safe_next",
    "session_csrf_token",
    "signed_in",
]
