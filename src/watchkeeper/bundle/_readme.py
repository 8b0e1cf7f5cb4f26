"""The README.txt inside every bundle: what it holds and how an assessor verifies it."""

from __future__ import annotations

from watchkeeper.bundle._manifest import Manifest

__all__ = ["readme_text"]


def readme_text(manifest: Manifest, public_key_sha256: str) -> str:
    """Return the bundle's README for `manifest`."""
    who = manifest.deployment or "every deployment"
    return f"""watchkeeper evidence bundle
===========================

Period: {manifest.since.isoformat()} to {manifest.until.isoformat()} ({who})
Ledger records {manifest.first_seq} to {manifest.last_seq} ({manifest.records} records, \
{manifest.withheld.total} withheld), signing key id {manifest.key_id}.

Files
  records.jsonl     one ledger record per line: envelope, hash, payload and salt
                    (payload and salt are null where withheld; the envelope still links)
  checkpoints.json  the ledger's Ed25519-signed checkpoints that anchor both ends
  manifest.json     period, record range, counts, and every withheld record with the rules
                    that withheld it; manifest.sig is its signature with the ledger key
  public_key        the ledger's public key as exported (sha256 of the file:
                    {public_key_sha256}); check it against a copy you obtained yourself

Verify
  pip install watchkeeper
  watchkeeper bundle verify THIS_FILE.tar.gz --public-key TRUSTED_ledger.pub

It checks every checkpoint signature with your key, the hash chain from the anchor
(record {manifest.anchor_seq}, or the genesis when 0) to the last checkpoint with no gap,
every record hash, every present payload against its salted commitment, that every withheld
payload is listed in the manifest, the manifest's counts, and the manifest's signature.
A withheld payload cannot be recovered from its commitment: the salt is withheld with it.
"""
