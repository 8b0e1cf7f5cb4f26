"""`verify_bundle`: a clean bundle verifies; any tampering fails naming the first bad record."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests._backends import execute
from tests.bundle.conftest import Exported, Seeded, last_30_days, rewrite, seed
from watchkeeper.bundle import BundleReadError, RedactionRules, export_bundle, verify_bundle
from watchkeeper.bundle._tar import read_bundle
from watchkeeper.events import Message
from watchkeeper.ledger import load_or_create_key, load_public_key, open_ledger, rotate_key


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _edit_records(bundle: Exported, tmp_path: Path, edit: Callable[[list[bytes]], None]) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "records.jsonl":
            return data
        lines = _lines(data)
        edit(lines)
        return b"".join(lines)

    return rewrite(bundle.path, tmp_path / "tampered.tar.gz", change)


def _seq(line: bytes) -> int:
    return int(json.loads(line)["envelope"]["seq"])


def test_clean_bundle_verifies(bundle: Exported, seeded: Seeded) -> None:
    """An untouched bundle verifies with the ledger's public key and reports its counts."""
    report = verify_bundle(bundle.path, load_public_key(seeded.public_key_file))
    assert report.ok, report.reason
    assert report.records == bundle.manifest.records
    assert report.withheld == bundle.manifest.withheld.total > 0


def test_altered_payload_is_named(bundle: Exported, seeded: Seeded, tmp_path: Path) -> None:
    """Changing a kept payload fails at that record, against its commitment."""
    kept: list[int] = []

    def edit(lines: list[bytes]) -> None:
        for i, line in enumerate(lines):
            data = json.loads(line)
            if data["payload"] is not None:
                kept.append(data["envelope"]["seq"])
                data["payload"]["extra"] = "forged"
                lines[i] = (json.dumps(data) + "\n").encode()
                return

    tampered = _edit_records(bundle, tmp_path, edit)
    report = verify_bundle(tampered, load_public_key(seeded.public_key_file))
    assert not report.ok
    assert report.first_bad_seq == kept[0]
    assert f"record `{kept[0]}` payload does not match its commitment" in report.reason


def test_reordered_records_are_named(bundle: Exported, seeded: Seeded, tmp_path: Path) -> None:
    """Swapping two records fails at the earlier position."""
    first = bundle.manifest.first_seq

    def edit(lines: list[bytes]) -> None:
        lines[1], lines[2] = lines[2], lines[1]

    report = verify_bundle(
        _edit_records(bundle, tmp_path, edit), load_public_key(seeded.public_key_file)
    )
    assert not report.ok
    assert report.first_bad_seq == first + 1
    assert f"record `{first + 1}` is missing or out of order" in report.reason


def test_dropped_record_is_named(bundle: Exported, seeded: Seeded, tmp_path: Path) -> None:
    """Silently dropping a record fails naming it as missing."""
    dropped: list[int] = []

    def edit(lines: list[bytes]) -> None:
        dropped.append(_seq(lines.pop(3)))

    report = verify_bundle(
        _edit_records(bundle, tmp_path, edit), load_public_key(seeded.public_key_file)
    )
    assert not report.ok
    assert report.first_bad_seq == dropped[0]
    assert "missing" in report.reason


def test_dropped_last_record_is_named(bundle: Exported, seeded: Seeded, tmp_path: Path) -> None:
    """Dropping the final record fails: the checkpoint that covers it is left dangling."""

    def edit(lines: list[bytes]) -> None:
        lines.pop()

    report = verify_bundle(
        _edit_records(bundle, tmp_path, edit), load_public_key(seeded.public_key_file)
    )
    assert not report.ok
    assert report.first_bad_seq == bundle.manifest.last_seq


def _manifest_change(edit: Callable[[dict[str, Any]], None]) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest, indent=2, sort_keys=True).encode()

    return change


def _edit_manifest(
    bundle: Exported, tmp_path: Path, edit: Callable[[dict[str, Any]], None]
) -> Path:
    return rewrite(bundle.path, tmp_path / "tampered.tar.gz", _manifest_change(edit))


def test_manifest_hiding_a_withheld_record_is_named(
    bundle: Exported, seeded: Seeded, tmp_path: Path
) -> None:
    """A withheld record missing from the manifest's list fails at that record."""
    hidden = bundle.manifest.withheld.records[0].seq

    def edit(manifest: dict[str, Any]) -> None:
        manifest["withheld"]["records"] = manifest["withheld"]["records"][1:]

    report = verify_bundle(
        _edit_manifest(bundle, tmp_path, edit), load_public_key(seeded.public_key_file)
    )
    assert not report.ok
    assert report.first_bad_seq == hidden
    assert "does not account for it" in report.reason


def test_manifest_count_edit_is_named(bundle: Exported, seeded: Seeded, tmp_path: Path) -> None:
    """A changed count in the manifest fails naming the field."""

    def edit(manifest: dict[str, Any]) -> None:
        manifest["withheld"]["by_category"]["secrets"] -= 1

    report = verify_bundle(
        _edit_manifest(bundle, tmp_path, edit), load_public_key(seeded.public_key_file)
    )
    assert not report.ok
    assert "manifest `withheld.by_category`" in report.reason


def test_manifest_edit_breaks_its_signature(
    bundle: Exported, seeded: Seeded, tmp_path: Path
) -> None:
    """Any other manifest edit (here the period) fails the manifest's signature."""

    def edit(manifest: dict[str, Any]) -> None:
        manifest["created"] = "2020-01-01T00:00:00Z"

    report = verify_bundle(
        _edit_manifest(bundle, tmp_path, edit), load_public_key(seeded.public_key_file)
    )
    assert not report.ok
    assert "manifest.json does not match its signature" in report.reason


def test_wrong_public_key_is_named(bundle: Exported, tmp_path: Path) -> None:
    """Another key fails at the first checkpoint, the one anchoring the slice."""
    other = Ed25519PrivateKey.generate().public_key()
    report = verify_bundle(bundle.path, other)
    assert not report.ok
    assert report.first_bad_seq == bundle.manifest.anchor_seq
    assert "pass the ledger's own public key" in report.reason


def test_deployment_filter_withholds_others_and_still_verifies(
    seeded: Seeded, tmp_path: Path
) -> None:
    """Records of other deployments are withheld, counted as such, and the bundle verifies."""
    out = tmp_path / "local.tar.gz"
    manifest = export_bundle(
        seeded.source,
        seeded.key,
        out,
        period=last_30_days("local"),
        rules=RedactionRules(secrets=False, personal=False),
    )
    assert manifest.withheld.by_category == {"other_deployment": 1}
    assert manifest.in_period == manifest.records - 1
    report = verify_bundle(out, load_public_key(seeded.public_key_file))
    assert report.ok, report.reason


def test_kept_payload_of_a_withheld_kind_is_named(seeded: Seeded, tmp_path: Path) -> None:
    """A kept payload that the manifest's own kind rules would withhold fails at that record."""
    out = tmp_path / "kinds.tar.gz"
    manifest = export_bundle(
        seeded.source,
        seeded.key,
        out,
        period=last_30_days(),
        rules=RedactionRules(secrets=False, personal=False, kinds=("reasoning",)),
    )
    reasoning = [row.seq for row in manifest.withheld.records]

    def edit(data: dict[str, Any]) -> None:
        data["redaction"]["rules"]["kinds"] = ["reasoning", "message"]

    tampered = rewrite(out, tmp_path / "t.tar.gz", _manifest_change(edit))
    report = verify_bundle(tampered, load_public_key(seeded.public_key_file))
    assert not report.ok
    assert reasoning
    assert "matches rule `kind:message` but its payload is in the bundle" in report.reason


def test_not_a_bundle_is_a_read_error(tmp_path: Path, seeded: Seeded) -> None:
    """A file that is not a gzipped tarball raises `BundleReadError`, naming the file."""
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    with pytest.raises(BundleReadError, match=r"`.*junk\.tar\.gz` is not a gzipped tarball"):
        verify_bundle(junk, load_public_key(seeded.public_key_file))


@pytest.mark.usefixtures("ledger_backend")
def test_payload_deleted_in_the_ledger_is_accounted_for(tmp_path: Path) -> None:
    """A payload the ledger no longer holds is listed as such and the bundle verifies."""
    seeded = seed(tmp_path / "home")
    execute(seeded.location, "UPDATE records SET payload = NULL, salt = NULL WHERE seq = ?", 14)
    out = tmp_path / "b.tar.gz"
    manifest = export_bundle(
        seeded.source,
        seeded.key,
        out,
        period=last_30_days("local"),
        rules=RedactionRules(secrets=False, personal=False),
    )
    rows = {row.seq: row.rules for row in manifest.withheld.records}
    assert rows[14] == ("deployment:other", "ledger:withheld")
    report = verify_bundle(out, load_public_key(seeded.public_key_file))
    assert report.ok, report.reason


def _rotated_bundle(tmp_path: Path, rules: RedactionRules) -> tuple[Path, Path, Path]:
    """Export a bundle whose slice spans a key rotation; return it, the old and the new key."""
    seeded = seed(tmp_path / "home")
    done = rotate_key(seeded.home, reason="scheduled")
    with open_ledger(seeded.home) as store:
        store.append([Message(session_id="s2", role="user", text="after the rotation")])
    out = tmp_path / "rotated.tar.gz"
    export_bundle(
        seeded.source,
        load_or_create_key(seeded.home / "keys"),
        out,
        period=last_30_days(),
        rules=rules,
    )
    return out, done.retired_public_key, seeded.public_key_file


@pytest.mark.usefixtures("ledger_backend")
def test_bundle_spanning_a_rotation_verifies_from_either_key(tmp_path: Path) -> None:
    """Checkpoints of the old and the new key in one slice verify from the old or the new key."""
    out, old, new = _rotated_bundle(tmp_path, RedactionRules(secrets=False, personal=False))
    for root in (old, new):
        report = verify_bundle(out, load_public_key(root))
        assert report.ok, report.reason


@pytest.mark.usefixtures("ledger_backend")
def test_bundle_keeps_the_rotation_record_whatever_the_rules(tmp_path: Path) -> None:
    """A rule withholding lifecycle records spares the rotation, and the bundle verifies."""
    rules = RedactionRules(secrets=False, personal=False, kinds=("lifecycle",))
    out, old, _ = _rotated_bundle(tmp_path, rules)
    records = [json.loads(line) for line in read_bundle(out).records.splitlines()]
    rotations = [r for r in records if r["envelope"]["kind"] == "lifecycle"]
    assert [r["payload"]["phase"] for r in rotations] == ["key-rotation"]
    report = verify_bundle(out, load_public_key(old))
    assert report.ok, report.reason
