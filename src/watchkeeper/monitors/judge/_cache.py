"""Judge results cached by content hash, so the same transcript is never paid for twice."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

from watchkeeper.monitors.judge._verdict import JudgeAnswer

__all__ = ["JudgeCache", "cache_key"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS judgements (
    key TEXT PRIMARY KEY,
    score REAL NOT NULL,
    rationale TEXT NOT NULL,
    steps TEXT NOT NULL
)
"""


def cache_key(rubric_ref: str, model: str, transcript: str, fence: str) -> str:
    """Hash of what decides the answer: rubric version, model and the transcript's content.

    The random fence name is taken out first, so the same session hashes the same way.
    """
    content = transcript.replace(fence, "")
    return hashlib.sha256(f"{rubric_ref}\x00{model}\x00{content}".encode()).hexdigest()


class JudgeCache:
    """A SQLite table of answers by key; `path` None keeps them in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:" if path is None else path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(_SCHEMA)

    def get(self, key: str) -> JudgeAnswer | None:
        """Return the cached answer for `key`, if any."""
        with self._lock:
            row = self._db.execute(
                "SELECT score, rationale, steps FROM judgements WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        return JudgeAnswer(float(row[0]), str(row[1]), tuple(json.loads(row[2])))

    def put(self, key: str, answer: JudgeAnswer) -> None:
        """Keep `answer` under `key`."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO judgements VALUES (?, ?, ?, ?)",
                (key, answer.score, answer.rationale, json.dumps(list(answer.steps))),
            )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
