"""The signing key: created owner-only, reused, public half exported, loose files refused,
read again by writers when the file is replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from watchkeeper.ledger import (
    LedgerKeyError,
    SigningKeyFile,
    key_id,
    load_or_create_key,
    load_public_key,
)
from watchkeeper.ledger._keys import write_private_key


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


def test_signing_key_file_follows_a_replaced_file(tmp_path: Path) -> None:
    """`SigningKeyFile` returns the new key once `ledger.key` is replaced."""
    first = load_or_create_key(tmp_path)
    keys = SigningKeyFile(tmp_path)
    assert key_id(keys.current().public_key()) == key_id(first.public_key())
    second = Ed25519PrivateKey.generate()
    write_private_key(tmp_path / "next", second)
    os.replace(tmp_path / "next", tmp_path / "ledger.key")
    assert key_id(keys.current().public_key()) == key_id(second.public_key())


def test_signing_key_file_refuses_when_the_key_is_gone(tmp_path: Path) -> None:
    """A removed key file is an error, not a reason to keep signing with the old key."""
    load_or_create_key(tmp_path)
    keys = SigningKeyFile(tmp_path)
    keys.current()
    (tmp_path / "ledger.key").unlink()
    with pytest.raises(LedgerKeyError, match="is missing"):
        keys.current()
