"""`export_bundle`: the anchored slice, with every planted secret and personal datum withheld."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from tests._backends import open_store
from tests.bundle.conftest import (
    CLEAN_MARKER,
    OLD_RECORDS,
    PLANTED_PERSONAL,
    PLANTED_SECRETS,
    Exported,
    Seeded,
    decompressed,
    last_30_days,
    seed,
)
from watchkeeper.bundle import BundleExportError, Period, RedactionRules, export_bundle
from watchkeeper.events import ToolCall

_NO_DETECTORS = RedactionRules(secrets=False, personal=False)


@pytest.mark.parametrize("value", [*PLANTED_SECRETS, *PLANTED_PERSONAL])
def test_planted_value_is_absent_from_the_bundle_bytes(bundle: Exported, value: str) -> None:
    """No planted secret or personal datum appears anywhere in the decompressed bundle."""
    raw = decompressed(bundle.path)
    assert value.encode() not in raw
    assert json.dumps(value).encode()[1:-1] not in raw


def test_manifest_counts_each_planted_value_under_its_rule(bundle: Exported) -> None:
    """Each planted value's record is withheld under the detector rule that found it."""
    by_rule = bundle.manifest.withheld.by_rule
    for rule in [*PLANTED_SECRETS.values(), *PLANTED_PERSONAL.values()]:
        assert by_rule.get(rule, 0) >= 1, rule
    categories = bundle.manifest.withheld.by_category
    assert categories["secrets"] == len(PLANTED_SECRETS)
    assert categories["personal"] >= len(PLANTED_PERSONAL)  # the url's user@host is one too
    assert bundle.manifest.withheld.total == len(PLANTED_SECRETS) + len(PLANTED_PERSONAL)


def test_clean_payloads_are_kept(bundle: Exported) -> None:
    """A record that matches no rule keeps its payload in the bundle."""
    assert CLEAN_MARKER.encode() in decompressed(bundle.path)


def test_slice_starts_after_the_checkpoint_before_the_period(bundle: Exported) -> None:
    """Records before the period are left out; the slice starts right after their checkpoint."""
    manifest = bundle.manifest
    assert manifest.anchor_seq == OLD_RECORDS
    assert manifest.first_seq == OLD_RECORDS + 1
    assert manifest.records == manifest.last_seq - OLD_RECORDS
    assert manifest.in_period == manifest.records


def test_bundle_holds_the_documented_members(bundle: Exported) -> None:
    """The tarball holds records, checkpoints, manifest, its signature, public key and README."""
    with tarfile.open(bundle.path, "r:gz") as tar:
        names = set(tar.getnames())
    assert names == {
        "records.jsonl",
        "checkpoints.json",
        "manifest.json",
        "manifest.sig",
        "public_key",
        "README.txt",
    }
    assert bundle.path.stat().st_mode & 0o777 == 0o600


@pytest.mark.usefixtures("ledger_backend")
def test_export_signs_the_head_when_no_checkpoint_covers_it(tmp_path: Path) -> None:
    """Records after the last checkpoint make the export ask for a fresh one at the head."""
    seeded = seed(tmp_path / "home")
    with open_store(seeded.location, signing_key=None) as unsigned:
        unsigned.append([ToolCall(session_id="late", tool="Bash", args={"command": "ls"})])
    head = seeded.source.head().seq
    signed: list[int] = []

    def sign_head() -> None:
        with open_store(seeded.location, signing_key=seeded.key):
            signed.append(head)

    manifest = export_bundle(
        seeded.source,
        seeded.key,
        tmp_path / "b.tar.gz",
        period=last_30_days(),
        rules=_NO_DETECTORS,
        sign_head=sign_head,
    )
    assert signed == [head]
    assert manifest.last_seq == head


@pytest.mark.usefixtures("ledger_backend")
def test_export_without_signing_fails_on_an_unsigned_tail(tmp_path: Path) -> None:
    """Without `sign_head`, a period reaching past the last checkpoint is refused by record."""
    seeded = seed(tmp_path / "home")
    with open_store(seeded.location, signing_key=None) as unsigned:
        unsigned.append([ToolCall(session_id="late", tool="Bash", args={"command": "ls"})])
    head = seeded.source.head().seq
    with pytest.raises(BundleExportError, match=f"record `{head}` is not covered"):
        export_bundle(
            seeded.source,
            seeded.key,
            tmp_path / "b.tar.gz",
            period=last_30_days(),
            rules=_NO_DETECTORS,
        )


def test_export_of_an_empty_period_fails(seeded: Seeded, tmp_path: Path) -> None:
    """A period with no records is refused rather than exported empty."""
    period = last_30_days()
    empty = Period(since=period.since.replace(year=2001), until=period.until.replace(year=2001))
    with pytest.raises(BundleExportError, match="widen the period"):
        export_bundle(
            seeded.source, seeded.key, tmp_path / "b.tar.gz", period=empty, rules=_NO_DETECTORS
        )
    assert not (tmp_path / "b.tar.gz").exists()
