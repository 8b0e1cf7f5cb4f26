"""The shared session writer: record one file's events in the ledger, once.

Every importer turns a file into events with deterministic ids (`stable_id`). This module
looks up which of those ids the file's sessions already hold (one indexed read per session,
so the cost follows the session's size, not the ledger's) and appends only the rest, all in
one `append`, so a file is recorded whole or not at all and importing it again adds nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from watchkeeper.events import Event, Lifecycle
from watchkeeper.importers._identity import stable_id
from watchkeeper.ledger import LedgerStore

__all__ = ["FileImport", "ParsedFile", "file_digest", "import_marker", "record_file"]


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One file's events, in order, and a marker per session saying where they came from."""

    events: list[Event] = field(default_factory=list)
    markers: list[Lifecycle] = field(default_factory=list)


class FileImport(BaseModel):
    """What importing one file did: events added per kind, and how many were already there."""

    model_config = ConfigDict(frozen=True)

    path: Path
    format: str
    sessions: tuple[str, ...]
    added: int
    skipped: int
    kinds: dict[str, int]


def file_digest(data: bytes) -> str:
    """Return the SHA-256 hex digest of a file's bytes, as recorded in its import marker."""
    return hashlib.sha256(data).hexdigest()


def import_marker(
    *, fmt: str, path: Path, digest: str, session_id: str, deployment_id: str, **detail: object
) -> Lifecycle:
    """Return the `imported` lifecycle event that records where a session's events came from.

    Its id depends on the file's content, so an unchanged file's marker is recorded once.
    """
    return Lifecycle(
        id=stable_id(fmt, session_id, "imported", digest),
        deployment_id=deployment_id,
        session_id=session_id,
        phase="imported",
        detail={"format": fmt, "file": str(path), "sha256": digest, **detail},
    )


def record_file(
    ledger: LedgerStore,
    path: Path,
    fmt: str,
    parsed: ParsedFile,
) -> FileImport:
    """Append the events of file `path` (`parsed`) that the ledger lacks, in one batch.

    Each marker (see `import_marker`) is written before its session's events, and only when
    that session gets at least one new event; a re-import therefore adds nothing at all.
    Raises `LedgerError` if the ledger refuses the batch, in which case nothing was added.
    """
    events, markers = parsed.events, parsed.markers
    sessions = tuple(dict.fromkeys(event.session_id for event in events))
    seen: set[str] = set()
    for session in sessions:
        seen.update(event.id for _, event in ledger.events(session_id=session))
    fresh: dict[str, list[Event]] = {}
    for event in events:
        if event.id not in seen:
            seen.add(event.id)
            fresh.setdefault(event.session_id, []).append(event)
    marks: dict[str, list[Lifecycle]] = {}
    for marker in markers:
        if marker.id not in seen:
            marks.setdefault(marker.session_id, []).append(marker)
    batch: list[Event] = []
    for session in sessions:
        if session in fresh:
            batch.extend(marks.get(session, ()))
            batch.extend(fresh[session])
    if batch:
        ledger.append(batch)
    return FileImport(
        path=path,
        format=fmt,
        sessions=sessions,
        added=len(batch),
        skipped=len(events) - sum(len(items) for items in fresh.values()),
        kinds=dict(Counter(event.kind for event in batch)),
    )
