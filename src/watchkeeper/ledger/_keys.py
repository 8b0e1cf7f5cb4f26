"""The ledger's Ed25519 signing key: created once, kept owner-only, public half beside it.

`SigningKeyFile` is how a running writer holds the key: it reads `ledger.key` again whenever
the file is replaced (one `stat` per checkpoint), so `watchkeeper ledger rotate-key` reaches
every gateway and worker that shares the home at its next checkpoint.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from watchkeeper.ledger._errors import LedgerKeyError
from watchkeeper.statefile import Reloading

__all__ = [
    "PRIVATE_KEY_NAME",
    "PUBLIC_KEY_NAME",
    "RETIRED_DIR",
    "SigningKeyFile",
    "key_id",
    "load_or_create_key",
    "load_private_key",
    "load_public_key",
    "public_pem",
    "write_private_key",
]

PRIVATE_KEY_NAME = "ledger.key"
PUBLIC_KEY_NAME = "ledger.pub"
RETIRED_DIR = "retired"


def key_id(public_key: Ed25519PublicKey) -> str:
    """Return a short stable name for `public_key`: the first 16 hex digits of its sha256."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Load the signing key at `path`: owner-only, unencrypted PKCS#8 PEM, Ed25519.

    Raises `LedgerKeyError` when it is too open, not a key or not Ed25519, and
    `FileNotFoundError` when there is no file.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        msg = f"signing key `{path}` has mode {mode:o}; run `chmod 600 {path}` and retry"
        raise LedgerKeyError(msg)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        msg = f"signing key `{path}` is not an unencrypted pem key; restore it or move it away"
        raise LedgerKeyError(msg) from exc
    if not isinstance(key, Ed25519PrivateKey):
        msg = f"signing key `{path}` is not an ed25519 key; restore it or move it away"
        raise LedgerKeyError(msg)
    return key


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Create `path` (mode 0600, it must not exist) holding `key` as PKCS#8 PEM, synced."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())


def load_or_create_key(keys_dir: Path) -> Ed25519PrivateKey:
    """Load `keys_dir/ledger.key`, creating it (mode 0600, directory 0700) if it is absent.

    The public key is (re)written beside it as `ledger.pub`. A key file that group or others
    can read is refused with `LedgerKeyError` rather than used.
    """
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = keys_dir / PRIVATE_KEY_NAME
    try:
        key = load_private_key(path)
    except FileNotFoundError:
        key = Ed25519PrivateKey.generate()
        try:
            write_private_key(path, key)
        except FileExistsError:
            key = load_private_key(path)
    public_path = keys_dir / PUBLIC_KEY_NAME
    pem = public_pem(key.public_key())
    if not public_path.exists() or public_path.read_bytes() != pem:
        public_path.write_bytes(pem)
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Load an Ed25519 public key from a PEM file (raises `LedgerKeyError`)."""
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError as exc:
        msg = f"public key `{path}` does not exist; pass the ledger's `ledger.pub`"
        raise LedgerKeyError(msg) from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        msg = f"public key `{path}` is not a pem public key; pass the ledger's `ledger.pub`"
        raise LedgerKeyError(msg) from exc
    if not isinstance(key, Ed25519PublicKey):
        msg = f"public key `{path}` is not an ed25519 key; pass the ledger's `ledger.pub`"
        raise LedgerKeyError(msg)
    return key


class SigningKeyFile:
    """The signing key in `keys_dir/ledger.key`, read again whenever the file is replaced.

    `current()` costs one `stat` while the file is unchanged. A key file that is missing or
    unreadable raises `LedgerKeyError`: a writer then signs nothing until it is fixed, rather
    than go on signing with a key that may have been retired.
    """

    def __init__(self, keys_dir: Path) -> None:
        self.path = keys_dir / PRIVATE_KEY_NAME
        self._key = Reloading(self.path, self._load, self._missing)

    def _load(self) -> Ed25519PrivateKey:
        try:
            return load_private_key(self.path)
        except FileNotFoundError:
            return self._missing()

    def _missing(self) -> Ed25519PrivateKey:
        msg = f"signing key `{self.path}` is missing; restore it, then the writer signs again"
        raise LedgerKeyError(msg)

    def current(self) -> Ed25519PrivateKey:
        """Return the key the file holds now (raises `LedgerKeyError`)."""
        return self._key.current()
