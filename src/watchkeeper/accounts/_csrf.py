"""CSRF tokens: the session's token for signed-in forms, and a signed double-submit token for
the sign-in form itself (there is no session yet to hold one).

For sign-in, the browser gets a random nonce in cookie `wk_login_csrf` and the form carries
HMAC(key, nonce); a cross-site page can neither read the cookie nor compute the HMAC, and
SameSite=Strict keeps the cookie off cross-site posts anyway. The key lives only in the
gateway's memory.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

from starlette.requests import Request

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_CSRF_COOKIE",
    "LoginCsrf",
    "tokens_match",
]

#: The form field every state-changing form carries.
CSRF_FIELD = "csrf_token"
#: The header htmx requests carry the token in instead.
CSRF_HEADER = "x-csrf-token"
#: The cookie holding the sign-in form's nonce.
LOGIN_CSRF_COOKIE = "wk_login_csrf"


def tokens_match(expected: str, given: str) -> bool:
    """Whether `given` equals the non-empty `expected`, compared in constant time."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))


class LoginCsrf:
    """Issues and checks the sign-in form's double-submit token under a per-process key."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)

    def issue(self) -> tuple[str, str]:
        """Return a fresh `(cookie nonce, form token)` pair."""
        nonce = secrets.token_urlsafe(32)
        return nonce, self._sign(nonce)

    def form_token(self, nonce: str) -> str:
        """Return the form token that goes with the cookie `nonce`."""
        return self._sign(nonce)

    def valid(self, request: Request, form: Mapping[str, object]) -> bool:
        """Whether the posted form's token matches the request's sign-in cookie."""
        nonce = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        given = form.get(CSRF_FIELD)
        if not nonce or not isinstance(given, str):
            return False
        return tokens_match(self._sign(nonce), given)

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode("utf-8", "replace"), hashlib.sha256).hexdigest()
