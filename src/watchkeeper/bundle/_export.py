"""`bundle export`: the anchored ledger slice for a period, redacted, in one signed tarball.

Two reads of the ledger through its public export: the first (every payload withheld, so only
envelopes) finds the period's records and the checkpoints around them; the second withholds,
inside the slice, the payloads the rules match, and everything outside it. Withheld payloads
never reach the disk, not even in the temporary files.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from watchkeeper.bundle._errors import BundleExportError
from watchkeeper.bundle._manifest import Manifest, Redaction, WithheldRecord, manifest_json, tally
from watchkeeper.bundle._readme import readme_text
from watchkeeper.bundle._records import record_from_data
from watchkeeper.bundle._redact import WITHHELD_IN_LEDGER_RULE, Detector, RecordRedactor
from watchkeeper.bundle._rules import RedactionRules
from watchkeeper.bundle._secrets import SecretScanner
from watchkeeper.bundle._slice import Period, SliceBounds, anchor_slice, in_period, parse_ts
from watchkeeper.bundle._tar import (
    CHECKPOINTS,
    MANIFEST,
    MANIFEST_SIGNATURE,
    PUBLIC_KEY,
    README,
    write_bundle,
)
from watchkeeper.clock import utcnow
from watchkeeper.ledger import GENESIS, Checkpoint, LedgerSource, StoredRecord, key_id

__all__ = ["DETECTOR_PACKAGES", "export_bundle"]

DETECTOR_PACKAGES = ("detect-secrets", "presidio-analyzer", "phonenumbers", "tldextract", "spacy")


def _versions() -> dict[str, str]:
    found: dict[str, str] = {}
    for name in DETECTOR_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _checkpoint(data: Any) -> Checkpoint:
    if not isinstance(data, dict):
        msg = f"ledger export line `{data}` is not a checkpoint; verify the ledger"
        raise BundleExportError(msg)
    return Checkpoint(
        int(data["seq"]),
        str(data["hash"]),
        str(data["ts"]),
        str(data["key_id"]),
        str(data["signature"]),
    )


def _locate(source: LedgerSource, scratch: Path, period: Period) -> SliceBounds:
    """First read: envelopes only; return the period's seq range widened to checkpoints."""
    envelopes = scratch / "envelopes.jsonl"
    with envelopes.open("w", encoding="utf-8") as out:
        source.export_jsonl(out, redact=lambda _record: True)
    checkpoints: list[int] = []
    rows: list[tuple[int, str, str]] = []
    for item in _lines(envelopes):
        if "checkpoint" in item:
            checkpoints.append(_checkpoint(item["checkpoint"]).seq)
        elif isinstance(env := item.get("envelope"), dict):
            rows.append((int(env["seq"]), str(env["ts"]), str(env["deployment_id"])))
    envelopes.unlink()
    found = in_period(rows, period)
    if found is None:
        who = "" if period.deployment is None else f" of deployment `{period.deployment}`"
        msg = (
            f"no ledger record{who} falls between `{period.since.isoformat()}` and "
            f"`{period.until.isoformat()}`; widen the period"
        )
        raise BundleExportError(msg)
    return anchor_slice(found[0], found[1], checkpoints)


def _detectors(rules: RedactionRules, stack: ExitStack) -> tuple[Detector | None, Detector | None]:
    secrets = None if rules.secrets is False else SecretScanner(rules.secrets.plugins)
    if secrets is not None:
        stack.enter_context(secrets)
    if rules.personal is False:
        return secrets, None
    # Imported here: presidio loads spaCy, seconds that `bundle verify` never needs to spend.
    from watchkeeper.bundle._personal import PersonalScanner

    return secrets, PersonalScanner(rules.personal)


def export_bundle(
    source: LedgerSource,
    key: Ed25519PrivateKey,
    out: Path,
    *,
    period: Period,
    rules: RedactionRules,
    rules_sha256: str | None = None,
    sign_head: Callable[[], None] | None = None,
) -> Manifest:
    """Write the bundle for `period` to `out` and return its manifest.

    The slice starts right after the last signed checkpoint before the period's first record
    (or at the genesis) and ends at the first checkpoint at or after its last record. When no
    checkpoint reaches that far yet, `sign_head` is called to sign one at the head; without it
    the export fails.
    """
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".bundle-") as tmp:
        scratch = Path(tmp)
        bounds = _locate(source, scratch, period)
        if bounds.end is None:
            if sign_head is None:
                msg = (
                    f"record `{bounds.last_in_period}` is not covered by a signed checkpoint yet; "
                    "let the export sign one or wait for the next checkpoint"
                )
                raise BundleExportError(msg)
            sign_head()
        with ExitStack() as stack:
            secrets, personal = _detectors(rules, stack)
            redactor = RecordRedactor(
                rules, deployment=period.deployment, secrets=secrets, personal=personal
            )
            return _write(
                source,
                key=key,
                out=out,
                scratch=scratch,
                bounds=bounds,
                period=period,
                redactor=redactor,
                rules_sha256=rules_sha256,
            )


def _write(
    source: LedgerSource,
    *,
    key: Ed25519PrivateKey,
    out: Path,
    scratch: Path,
    bounds: SliceBounds,
    period: Period,
    redactor: RecordRedactor,
    rules_sha256: str | None,
) -> Manifest:
    withheld: list[WithheldRecord] = []
    limit = bounds.end

    def withhold(record: StoredRecord) -> bool:
        if record.seq <= bounds.anchor or (limit is not None and record.seq > limit):
            return True
        if record.payload is None:
            rules = redactor.matches(kind=record.kind, deployment_id=record.deployment_id)
            rules.append(WITHHELD_IN_LEDGER_RULE)
        else:
            rules = redactor.matches(
                kind=record.kind,
                deployment_id=record.deployment_id,
                payload=json.loads(record.payload),
            )
        if rules:
            withheld.append(WithheldRecord(seq=record.seq, rules=tuple(rules)))
        return bool(rules)

    full = scratch / "ledger.jsonl"
    with full.open("w", encoding="utf-8") as handle:
        source.export_jsonl(handle, redact=withhold)
    checkpoints: list[Checkpoint] = []
    for item in _lines(full):
        if "checkpoint" in item:
            checkpoints.append(_checkpoint(item["checkpoint"]))
    end = bounds.end
    if end is None:
        end = min((c.seq for c in checkpoints if c.seq >= bounds.last_in_period), default=None)
    if end is None:
        msg = f"record `{bounds.last_in_period}` is still not covered by a signed checkpoint"
        raise BundleExportError(msg)
    records = scratch / "records.jsonl"
    kinds: Counter[str] = Counter()
    counted = 0
    first_prev = GENESIS.hex()
    with full.open(encoding="utf-8") as source_lines, records.open("w", encoding="utf-8") as dest:
        for line in source_lines:
            data = json.loads(line) if line.strip() else {"checkpoint": None}
            if "checkpoint" in data:
                continue
            record = record_from_data(data)
            if bounds.anchor < record.seq <= end:
                if record.seq == bounds.anchor + 1:
                    first_prev = record.prev
                dest.write(line)
                kinds[record.kind] += 1
                counted += period.covers(parse_ts(record.ts), record.deployment_id)
    full.unlink()
    kept_checkpoints = [c for c in checkpoints if bounds.anchor <= c.seq <= end and c.seq > 0]
    manifest = Manifest(
        created=utcnow(),
        since=period.since,
        until=period.until,
        deployment=period.deployment,
        key_id=key_id(key.public_key()),
        anchor_seq=bounds.anchor,
        anchor_hash=first_prev,
        first_seq=bounds.anchor + 1,
        last_seq=end,
        records=sum(kinds.values()),
        in_period=counted,
        kinds=dict(sorted(kinds.items())),
        withheld=tally(row for row in withheld if bounds.anchor < row.seq <= end),
        redaction=Redaction(rules=redactor.rules, rules_sha256=rules_sha256, detectors=_versions()),
    )
    body = manifest_json(manifest)
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    members = {
        CHECKPOINTS: json.dumps([c.as_dict() for c in kept_checkpoints], indent=2).encode(),
        MANIFEST: body,
        MANIFEST_SIGNATURE: key.sign(body).hex().encode(),
        PUBLIC_KEY: public,
        README: readme_text(manifest, hashlib.sha256(public).hexdigest()).encode(),
    }
    write_bundle(out, records, members, mtime=int(manifest.created.timestamp()))
    return manifest
