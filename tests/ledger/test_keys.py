"""The signing key: created owner-only, reused, public half exported, loose files refused."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from watchkeeper.ledger import (
    LedgerKeyError,
    key_id,
    load_or_create_key,
    load_public_key,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_key_file_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    """A created key is readable by its owner only, in a directory only its owner can enter."""
    keys = tmp_path / "keys"
    load_or_create_key(keys)
    assert _mode(keys / "ledger.key") == 0o600
    assert _mode(keys) == 0o700


def test_existing_key_is_reused(tmp_path: Path) -> None:
    """Loading twice returns the same key, so old checkpoints keep verifying."""
    first = load_or_create_key(tmp_path)
    second = load_or_create_key(tmp_path)
    assert key_id(first.public_key()) == key_id(second.public_key())


def test_public_key_is_exported_beside_the_key(tmp_path: Path) -> None:
    """`ledger.pub` holds the public half of `ledger.key`."""
    key = load_or_create_key(tmp_path)
    public = load_public_key(tmp_path / "ledger.pub")
    assert key_id(public) == key_id(key.public_key())


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    """A key file that group or others can read is not used."""
    load_or_create_key(tmp_path)
    (tmp_path / "ledger.key").chmod(0o644)
    with pytest.raises(LedgerKeyError, match="chmod 600"):
        load_or_create_key(tmp_path)


def test_garbage_key_file_is_refused(tmp_path: Path) -> None:
    """A key file that is not a PEM Ed25519 key raises instead of being replaced."""
    path = tmp_path / "ledger.key"
    path.write_bytes(b"not a key")
    path.chmod(0o600)
    with pytest.raises(LedgerKeyError, match="not an unencrypted pem key"):
        load_or_create_key(tmp_path)


def test_missing_public_key_names_the_path(tmp_path: Path) -> None:
    """Loading an absent public key says which file is missing."""
    with pytest.raises(LedgerKeyError, match=r"ledger\.pub"):
        load_public_key(tmp_path / "ledger.pub")
