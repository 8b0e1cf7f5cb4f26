"""The bundle file: a gzipped tarball of a few named members, written and read whole."""

from __future__ import annotations

import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from watchkeeper.bundle._errors import BundleReadError

__all__ = [
    "CHECKPOINTS",
    "MANIFEST",
    "MANIFEST_SIGNATURE",
    "PUBLIC_KEY",
    "README",
    "RECORDS",
    "BundleFiles",
    "read_bundle",
    "write_bundle",
]

RECORDS = "records.jsonl"
CHECKPOINTS = "checkpoints.json"
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key"
README = "README.txt"
_REQUIRED = (RECORDS, CHECKPOINTS, MANIFEST, MANIFEST_SIGNATURE)


@dataclass(frozen=True, slots=True)
class BundleFiles:
    """The members `bundle verify` reads, as bytes."""

    records: bytes
    checkpoints: bytes
    manifest: bytes
    manifest_signature: bytes


def _add(tar: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def write_bundle(out: Path, records: Path, members: dict[str, bytes], *, mtime: int) -> None:
    """Write `records` (a file) and `members` (name → bytes) to `out` (mode 0600), atomically."""
    partial = out.with_name(f".{out.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as tar:
            info = tarfile.TarInfo(RECORDS)
            info.size = records.stat().st_size
            info.mtime = mtime
            info.mode = 0o644
            with records.open("rb") as source:
                tar.addfile(info, source)
            for name, data in members.items():
                _add(tar, name, data, mtime)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_bundle(path: Path) -> BundleFiles:
    """Read the members of the bundle at `path` (raises `BundleReadError`)."""
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar.getmembers():
                if member.name in _REQUIRED and member.isfile():
                    handle = tar.extractfile(member)
                    if handle is not None:
                        found[member.name] = handle.read()
    except FileNotFoundError as exc:
        msg = f"bundle `{path}` does not exist; check the path"
        raise BundleReadError(msg) from exc
    except (tarfile.TarError, OSError, EOFError) as exc:
        msg = f"bundle `{path}` is not a gzipped tarball; pass the file `bundle export` wrote"
        raise BundleReadError(msg) from exc
    for name in _REQUIRED:
        if name not in found:
            msg = f"bundle `{path}` has no `{name}`; pass the file `bundle export` wrote"
            raise BundleReadError(msg)
    return BundleFiles(
        records=found[RECORDS],
        checkpoints=found[CHECKPOINTS],
        manifest=found[MANIFEST],
        manifest_signature=found[MANIFEST_SIGNATURE],
    )
