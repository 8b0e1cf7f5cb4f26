"""Server-side sign-in sessions of the review UI, held in the gateway's memory.

The browser holds only a random 32-byte id (cookie `wk_session`); the server maps its
SHA-256 to the user, role and the session's CSRF token. A session ends after `idle` without
a request, after `lifetime` in any case, on sign-out, and when its user is disabled.
Restarting the gateway signs everyone out.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict

from watchkeeper.accounts._model import Role, User
from watchkeeper.clock import utcnow

__all__ = [
    "DEFAULT_IDLE",
    "DEFAULT_LIFETIME",
    "SESSION_COOKIE",
    "WebSession",
    "WebSessions",
]

#: The cookie that carries the session id.
SESSION_COOKIE = "wk_session"
#: A session ends after this long without a request.
DEFAULT_IDLE = timedelta(minutes=30)
#: A session ends this long after sign-in, however busy.
DEFAULT_LIFETIME = timedelta(hours=12)
_MAX_SESSIONS = 10_000


class WebSession(BaseModel):
    """One signed-in browser: who, since when, and the CSRF token its forms must carry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user: str
    role: Role
    csrf_token: str
    created: AwareDatetime
    last_seen: AwareDatetime


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


class WebSessions:
    """The live sessions, ending after `idle` without use or `lifetime` after sign-in."""

    def __init__(
        self,
        *,
        idle: timedelta = DEFAULT_IDLE,
        lifetime: timedelta = DEFAULT_LIFETIME,
        max_sessions: int = _MAX_SESSIONS,
    ) -> None:
        if idle <= timedelta(0) or lifetime <= timedelta(0):
            raise ValueError(
                f"session timeouts `{idle}` and `{lifetime}` must both be positive; fix them"
            )
        self._idle = idle
        self._lifetime = lifetime
        self._max = max_sessions
        self._lock = threading.Lock()
        self._sessions: dict[str, WebSession] = {}

    def create(self, user: User) -> tuple[str, WebSession]:
        """Start a session for `user`; return its id (for the cookie only) and the session."""
        now = utcnow()
        session_id = secrets.token_urlsafe(32)
        session = WebSession(
            user=user.name,
            role=user.role,
            csrf_token=secrets.token_urlsafe(32),
            created=now,
            last_seen=now,
        )
        with self._lock:
            if len(self._sessions) >= self._max:
                self._prune(now)
            if len(self._sessions) >= self._max:
                oldest = min(self._sessions, key=lambda k: self._sessions[k].last_seen)
                del self._sessions[oldest]
            self._sessions[_key(session_id)] = session
        return session_id, session

    def get(self, session_id: str) -> WebSession | None:
        """Return the live session `session_id` and mark it used, or None (expired ones end)."""
        if not session_id:
            return None
        key = _key(session_id)
        now = utcnow()
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None
            if not self._alive(session, now):
                del self._sessions[key]
                return None
            touched = session.model_copy(update={"last_seen": now})
            self._sessions[key] = touched
            return touched

    def drop(self, session_id: str) -> WebSession | None:
        """End session `session_id`; return it if it existed."""
        with self._lock:
            return self._sessions.pop(_key(session_id), None)

    def drop_user(self, name: str) -> int:
        """End every session of user `name`; return how many ended."""
        with self._lock:
            keys = [k for k, s in self._sessions.items() if s.user == name]
            for key in keys:
                del self._sessions[key]
        return len(keys)

    def count(self) -> int:
        """How many sessions are held (expired ones included until next touched or pruned)."""
        with self._lock:
            return len(self._sessions)

    def _alive(self, session: WebSession, now: datetime) -> bool:
        return now - session.last_seen < self._idle and now - session.created < self._lifetime

    def _prune(self, now: datetime) -> None:
        for key in [k for k, s in self._sessions.items() if not self._alive(s, now)]:
            del self._sessions[key]
