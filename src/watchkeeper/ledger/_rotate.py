"""`rotate_key`: hand the ledger's signing over to a new key without starting a new ledger.

In order, under an exclusive lock on the key file: a new key is made and staged beside the old
one (mode 0600); the rotation record, signed by both keys and naming the record it follows, is
appended through a store signing with the old key, whose close signs a checkpoint covering it;
then the old public key is kept as ``keys/retired/<key_id>.pub`` and the new key replaces
``ledger.key`` (atomically, so the old private key is gone from the home) and ``ledger.pub``.
Writers opened with `open_ledger` read the replaced key file at their next checkpoint.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.events import Event
from watchkeeper.ledger._errors import LedgerKeyError, LedgerWriteError
from watchkeeper.ledger._keys import (
    PRIVATE_KEY_NAME,
    PUBLIC_KEY_NAME,
    RETIRED_DIR,
    key_id,
    load_private_key,
    public_pem,
    write_private_key,
)
from watchkeeper.ledger._open import open_ledger
from watchkeeper.ledger._rotation import endorse, rotation_event
from watchkeeper.ledger._source import ledger_source
from watchkeeper.statefile import StateFile

__all__ = ["KeyRotation", "rotate_key"]

_STAGED_NAME = "ledger.key.next"


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """What `rotate_key` did: the rotation record, the old key's checkpoint over it, the keys."""

    seq: int
    checkpoint_seq: int
    old_key_id: str
    new_key_id: str
    retired_public_key: Path


def _replace(path: Path, data: bytes, mode: int) -> None:
    """Atomically replace `path` with `data` (created with `mode`)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _current_key(keys: Path) -> Ed25519PrivateKey:
    path = keys / PRIVATE_KEY_NAME
    try:
        return load_private_key(path)
    except FileNotFoundError as exc:
        msg = f"signing key `{path}` does not exist; there is no key to rotate in this home"
        raise LedgerKeyError(msg) from exc


def rotate_key(home: Path, url: str | None = None, *, reason: str = "") -> KeyRotation:
    """Rotate the signing key of the ledger at `ledger_location(home, url)` (module docstring).

    Raises `LedgerKeyError` when the home has no key, or when the ledger's last checkpoint was
    signed by another key (this home's key is not the ledger's current key), and
    `LedgerWriteError` when no checkpoint of the old key came to cover the rotation (the key
    is then not switched; run it again).
    """
    keys = home / "keys"
    with StateFile(keys / PRIVATE_KEY_NAME).locked():
        old = _current_key(keys)
        old_id = key_id(old.public_key())
        source = ledger_source(home, url)
        last = source.last_checkpoint()
        if last is not None and last.key_id != old_id:
            msg = (
                f"the last checkpoint of `{source.name}` (record `{last.seq}`) was signed by key "
                f"`{last.key_id}`, not by this home's key `{old_id}`; run rotate-key where the "
                "ledger's current key lives"
            )
            raise LedgerKeyError(msg)
        new = Ed25519PrivateKey.generate()
        staged = keys / _STAGED_NAME
        staged.unlink(missing_ok=True)
        write_private_key(staged, new)

        def make(seq: int, head_hash: str) -> Event:
            rotation = endorse(old, new, follows_seq=seq, follows_hash=head_hash, reason=reason)
            return rotation_event(rotation)

        try:
            with open_ledger(home, url) as store:
                receipt = store.append_rotation(make)
            last = source.last_checkpoint()
            if last is None or last.seq < receipt.seq or last.key_id != old_id:
                msg = (
                    f"record `{receipt.seq}` rotates the key but no checkpoint of key `{old_id}` "
                    "covers it yet; the key was not switched, run rotate-key again"
                )
                raise LedgerWriteError(msg)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        retired = keys / RETIRED_DIR
        retired.mkdir(mode=0o700, exist_ok=True)
        retired_public = retired / f"{old_id}.pub"
        _replace(retired_public, public_pem(old.public_key()), 0o644)
        os.replace(staged, keys / PRIVATE_KEY_NAME)
        _replace(keys / PUBLIC_KEY_NAME, public_pem(new.public_key()), 0o644)
        _sync_dir(keys)
    return KeyRotation(
        seq=receipt.seq,
        checkpoint_seq=last.seq,
        old_key_id=old_id,
        new_key_id=key_id(new.public_key()),
        retired_public_key=retired_public,
    )
