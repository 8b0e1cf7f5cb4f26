"""Bundles from a PostgreSQL ledger export and verify exactly like SQLite ones."""

from __future__ import annotations

from pathlib import Path

from tests.bundle.conftest import AWS_KEY, decompressed, last_30_days
from watchkeeper.bundle import RedactionRules, export_bundle, verify_bundle
from watchkeeper.events import Message, ToolCall
from watchkeeper.ledger import ledger_source, load_or_create_key, open_ledger


def test_postgres_bundle_verifies_with_a_fresh_head_checkpoint(
    postgres_url: str, tmp_path: Path
) -> None:
    """A PostgreSQL ledger's slice is redacted, anchored by a signed head and verifies."""
    with open_ledger(tmp_path, postgres_url, checkpoint_every=1000) as ledger:
        ledger.append(
            [
                ToolCall(session_id="s", tool="Bash", args={"command": f"echo {AWS_KEY}"}),
                Message(session_id="s", role="user", text="fine"),
            ]
        )

    def sign_head() -> None:
        with open_ledger(tmp_path, postgres_url):
            pass

    out = tmp_path / "pg.tar.gz"
    manifest = export_bundle(
        ledger_source(tmp_path, postgres_url),
        load_or_create_key(tmp_path / "keys"),
        out,
        period=last_30_days(),
        rules=RedactionRules(personal=False),
        sign_head=sign_head,
    )
    assert manifest.withheld.by_rule == {"secrets:AWSKeyDetector": 1}
    assert AWS_KEY.encode() not in decompressed(out)
    report = verify_bundle(out, load_or_create_key(tmp_path / "keys").public_key())
    assert report.ok, report.reason
