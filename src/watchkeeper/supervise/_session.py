"""Supervision state: one JSON file per session, ``<home>/supervision/<session_id>.json``."""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from watchkeeper.statefile import StateFile, StateFileError
from watchkeeper.supervise._confinement import Backend

__all__ = [
    "SUPERVISION_DIR",
    "SupervisedSession",
    "load_session",
    "load_sessions",
    "new_session_id",
    "save_session",
    "session_path",
]

#: Where session files live inside a watchkeeper home.
SUPERVISION_DIR = "supervision"


class SupervisedSession(BaseModel):
    """One run of an agent under `watchkeeper run`, as its supervisor last wrote it.

    `ended` is None while the supervisor runs; `last_heartbeat` advances every
    `heartbeat_interval_s` seconds. `token_prefix` is the shown prefix of the session's own
    token (never the token). `agent_home` and `cwd` are where its persistence snapshot looked.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str = Field(min_length=1, max_length=200)
    deployment: str = Field(min_length=1, max_length=200)
    backend: Backend
    cgroups: list[str] = Field(default_factory=list)
    root_pid: int
    supervisor_pid: int
    started: AwareDatetime
    ended: AwareDatetime | None = None
    last_heartbeat: AwareDatetime
    heartbeat_interval_s: float = Field(gt=0)
    command: list[str] = Field(default_factory=list)
    cwd: str = ""
    agent_home: str = ""
    token_prefix: str | None = None
    limits: dict[str, object] = Field(default_factory=dict)
    exit_code: int | None = None


def new_session_id() -> str:
    """Return a fresh session id: ``s-`` and 16 random hex digits."""
    return "s-" + secrets.token_hex(8)


def session_path(home: Path, session_id: str) -> Path:
    """Return the state file of `session_id` in `home`."""
    return home / SUPERVISION_DIR / f"{session_id}.json"


def save_session(home: Path, session: SupervisedSession) -> None:
    """Write `session` to its state file (atomically, mode 0600)."""
    with StateFile(session_path(home, session.session_id)).update() as data:
        data.clear()
        data.update(session.model_dump(mode="json"))


def load_session(home: Path, session_id: str) -> SupervisedSession | None:
    """Return session `session_id` of `home`, or None if there is no (valid) file for it."""
    if "/" in session_id or session_id.startswith("."):
        return None
    try:
        data = StateFile(session_path(home, session_id)).read()
        return SupervisedSession.model_validate(data) if data else None
    except (StateFileError, ValidationError):
        return None


def load_sessions(home: Path) -> list[SupervisedSession]:
    """Return every session recorded in `home`, oldest first (unreadable files are skipped)."""
    found: list[SupervisedSession] = []
    for path in sorted((home / SUPERVISION_DIR).glob("*.json")):
        session = load_session(home, path.stem)
        if session is not None:
            found.append(session)
    return sorted(found, key=lambda s: s.started)
