"""A writer whose signing key goes missing or unreadable says so, in the ledger and to callers."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from watchkeeper.events import Lifecycle
from watchkeeper.ledger import (
    PRIVATE_KEY_NAME,
    RESUMED_PHASE,
    SIGNING_SESSION,
    UNSIGNED_PHASE,
    ReportsSigning,
    SigningKeyFile,
    load_or_create_key,
)

from .conftest import Backend, Store, sample_events


def _keys(tmp_path: Path) -> Path:
    keys = tmp_path / "keys"
    load_or_create_key(keys)
    return keys


def _notes(backend: Backend) -> list[tuple[int, Lifecycle]]:
    return [
        (seq, event)
        for seq, event in backend.source().events(session_id=SIGNING_SESSION)
        if isinstance(event, Lifecycle)
    ]


def _until(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not check() and time.monotonic() < deadline:
        time.sleep(0.02)


def _phases(backend: Backend) -> list[str]:
    return [note.phase for _seq, note in _notes(backend)]


def test_a_removed_key_is_noted_once_and_reported(backend: Backend, tmp_path: Path) -> None:
    """With the key gone, records are kept unsigned; one ledger note and the store say why."""
    keys = _keys(tmp_path)
    with backend.open(signing_key=SigningKeyFile(keys), checkpoint_every=2) as store:
        assert isinstance(store, ReportsSigning)
        store.append(sample_events(2))
        assert backend.checkpoint_seqs() == [2]
        (keys / PRIVATE_KEY_NAME).unlink()
        for _ in range(3):
            store.append(sample_events(2))
        _until(lambda: _phases(backend) == [UNSIGNED_PHASE])
        problem = store.signing_problem()
        assert problem is not None
        assert "is missing" in problem.reason
        assert backend.checkpoint_seqs() == [2]
    [(_seq, note)] = _notes(backend)
    assert note.phase == UNSIGNED_PHASE
    assert "is missing" in note.detail["reason"]


def test_a_garbage_key_names_why_it_cannot_be_read(backend: Backend, tmp_path: Path) -> None:
    """A key file replaced by garbage is reported as not a pem key."""
    keys = _keys(tmp_path)
    with backend.open(signing_key=SigningKeyFile(keys), checkpoint_every=2) as store:
        store.append(sample_events(1))
        path = keys / PRIVATE_KEY_NAME
        replacement = keys / "garbage"
        replacement.write_text("not a key")
        replacement.chmod(0o600)
        replacement.replace(path)
        store.append(sample_events(2))
        _until(lambda: _phases(backend) == [UNSIGNED_PHASE])
        problem = store.signing_problem()
        assert problem is not None
        assert "not an unencrypted pem key" in problem.reason


def test_restoring_the_key_notes_it_and_signs_at_once(backend: Backend, tmp_path: Path) -> None:
    """Once the key is back, the next commit records that and a checkpoint covers the note."""
    keys = _keys(tmp_path)
    saved = tmp_path / "saved.key"
    shutil.copy2(keys / PRIVATE_KEY_NAME, saved)
    store: Store
    with backend.open(signing_key=SigningKeyFile(keys), checkpoint_every=1000) as store:
        (keys / PRIVATE_KEY_NAME).unlink()
        store.append(sample_events(1))
        _until(lambda: store.signing_problem() is not None)
        # Restored as an operator should: whole and private at once (a copy's mode is set
        # after its bytes, and a writer looking in between would note another reason).
        shutil.copy2(saved, keys / "restoring")
        (keys / "restoring").replace(keys / PRIVATE_KEY_NAME)
        store.append(sample_events(1))
        _until(lambda: RESUMED_PHASE in _phases(backend))
        assert store.signing_problem() is None
        [(resumed_seq, resumed)] = [n for n in _notes(backend) if n[1].phase == RESUMED_PHASE]
        assert "unsigned_since" in resumed.detail
        _until(lambda: resumed_seq in backend.checkpoint_seqs())
        assert resumed_seq in backend.checkpoint_seqs()
    assert _phases(backend) == [UNSIGNED_PHASE, RESUMED_PHASE]
