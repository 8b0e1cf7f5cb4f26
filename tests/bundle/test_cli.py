"""`watchkeeper bundle export|verify` through the real command line."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.bundle.conftest import AWS_KEY, Seeded, rewrite, seed
from watchkeeper.cli.bundle import app
from watchkeeper.ledger import load_or_create_key

runner = CliRunner()


def _export(seeded: Seeded, out: Path, *extra: str) -> str:
    rules = out.parent / "rules.yaml"
    rules.write_text("personal: false\n")
    args = ["export", "--home", str(seeded.home), "--out", str(out), "--redact", str(rules)]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("ledger_backend")
def test_export_then_verify_succeeds(tmp_path: Path) -> None:
    """An exported bundle verifies from the file and the public key alone."""
    seeded = seed(tmp_path / "home")
    out = tmp_path / "b.tar.gz"
    summary = _export(seeded, out, "--period", "30d")
    assert "withheld (secrets 4)" in summary
    result = runner.invoke(app, ["verify", str(out), "--public-key", str(seeded.public_key_file)])
    assert result.exit_code == 0, result.output
    assert "verifies" in result.output
    assert AWS_KEY.encode() not in out.read_bytes()


@pytest.mark.usefixtures("ledger_backend")
def test_verify_of_a_tampered_bundle_exits_1_naming_the_record(tmp_path: Path) -> None:
    """A dropped record makes `verify` print one line naming it and exit 1."""
    seeded = seed(tmp_path / "home")
    out = tmp_path / "b.tar.gz"
    _export(seeded, out, "--since", "2000-01-01T00:00:00Z")

    def drop_second(name: str, data: bytes) -> bytes:
        if name != "records.jsonl":
            return data
        lines = data.splitlines(keepends=True)
        del lines[1]
        return b"".join(lines)

    tampered = rewrite(out, tmp_path / "t.tar.gz", drop_second)
    result = runner.invoke(
        app, ["verify", str(tampered), "--public-key", str(seeded.public_key_file)]
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "record `2` is missing" in result.output


def test_naive_since_is_refused(tmp_path: Path) -> None:
    """A --since without a time zone is refused with exit 2 before reading the ledger."""
    result = runner.invoke(
        app, ["export", "--home", str(tmp_path), "--out", "x.tgz", "--since", "2026-01-01T00:00"]
    )
    assert result.exit_code == 2
    assert "has no time zone" in result.output


@pytest.mark.usefixtures("ledger_backend")
def test_manifest_of_the_cli_export_records_the_rules_hash(tmp_path: Path) -> None:
    """Exporting with --redact stores the rules file's sha256 in the manifest."""
    seeded = seed(tmp_path / "home")
    out = tmp_path / "b.tar.gz"
    _export(seeded, out)
    with tarfile.open(out, "r:gz") as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        manifest = json.loads(handle.read())
    expected = hashlib.sha256((tmp_path / "rules.yaml").read_bytes()).hexdigest()
    assert manifest["redaction"]["rules_sha256"] == expected


@pytest.mark.usefixtures("ledger_backend")
def test_verify_trusts_any_of_several_public_keys(tmp_path: Path) -> None:
    """`--public-key` repeats: a bundle verifies when one of the given keys is its ledger's."""
    seeded = seed(tmp_path / "home")
    out = tmp_path / "b.tar.gz"
    _export(seeded, out, "--period", "30d")
    other = tmp_path / "other-keys"
    load_or_create_key(other)
    keys = ["--public-key", str(seeded.public_key_file), "--public-key", str(other / "ledger.pub")]
    result = runner.invoke(app, ["verify", str(out), *keys])
    assert result.exit_code == 0, result.output
    alone = runner.invoke(app, ["verify", str(out), "--public-key", str(other / "ledger.pub")])
    assert alone.exit_code == 1, alone.output
