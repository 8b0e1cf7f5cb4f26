"""`bundle verify`: check a bundle against the ledger's public key, with no database at hand.

Order: every checkpoint's signature (following the key rotations recorded in the slice, as
`ledger verify` does), then the chain from the anchor to the last checkpoint, then the
manifest against the records (counts, every withheld payload accounted for, the
envelope-checkable rules applied), then the manifest's own signature, by a key trusted at the
end of the slice. The first problem ends the check and is named in the report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from pydantic import BaseModel, ConfigDict, ValidationError

from watchkeeper.bundle._anchored import Problem, check_slice
from watchkeeper.bundle._manifest import Manifest, WithheldRecord, tally
from watchkeeper.bundle._records import parse_checkpoints, parse_record, record_payload
from watchkeeper.bundle._redact import category_of, structural_matches
from watchkeeper.bundle._slice import Period, parse_ts
from watchkeeper.bundle._tar import MANIFEST, read_bundle
from watchkeeper.ledger import StoredRecord, TrustRoots, follow_keys, is_rotation

__all__ = ["BundleReport", "verify_bundle"]

_ENVELOPE_RULES = ("deployment:", "kind:")


class BundleReport(BaseModel):
    """The verdict on one bundle: `ok`, or the first bad record (`first_bad_seq`) and why."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    reason: str = ""
    first_bad_seq: int | None = None
    records: int = 0
    withheld: int = 0
    checkpoints: int = 0
    anchor_seq: int = 0
    last_seq: int = 0
    by_category: dict[str, int] = {}


def _failed(problem: Problem) -> BundleReport:
    return BundleReport(ok=False, reason=problem.reason, first_bad_seq=problem.seq)


def _withheld_problem(records: list[StoredRecord], manifest: Manifest) -> Problem | None:
    listed = {row.seq: row for row in manifest.withheld.records}
    if len(listed) != len(manifest.withheld.records):
        return Problem(None, "manifest lists a withheld record twice; the manifest was altered")
    rules = manifest.redaction.rules
    for record in records:
        n = record.seq
        payload = record_payload(record)
        row = listed.pop(n, None)
        if payload is None and row is None:
            return Problem(n, f"record `{n}` is withheld but the manifest does not account for it")
        if payload is not None and row is not None:
            return Problem(n, f"record `{n}` is listed as withheld but its payload is present")
        matches = structural_matches(
            rules,
            kind=record.kind,
            deployment_id=record.deployment_id,
            deployment=manifest.deployment,
            payload=payload,
        )
        if payload is not None and matches and not is_rotation(record):
            return Problem(
                n, f"record `{n}` matches rule `{matches[0]}` but its payload is in the bundle"
            )
        wrong = None if row is None else _problem_with_rules(row, matches)
        if wrong is not None:
            return Problem(n, f"record `{n}` {wrong}")
    if listed:
        n = min(listed)
        return Problem(n, f"record `{n}` is listed as withheld but is not in the bundle")
    return None


def _problem_with_rules(row: WithheldRecord, envelope_matches: list[str]) -> str | None:
    if not row.rules:
        return "is withheld under no rule; the manifest was altered"
    for rule in row.rules:
        try:
            category_of(rule)
        except ValueError:
            return f"is withheld under unknown rule `{rule}`; the manifest was altered"
    claimed = sorted(r for r in row.rules if r.startswith(_ENVELOPE_RULES))
    if claimed != sorted(envelope_matches):
        return f"is withheld under `{', '.join(row.rules)}`, which its envelope contradicts"
    return None


def _counts_problem(records: list[StoredRecord], manifest: Manifest) -> Problem | None:
    period = Period(manifest.since, manifest.until, manifest.deployment)
    facts = {
        "records": (manifest.records, len(records)),
        "first_seq": (manifest.first_seq, records[0].seq),
        "last_seq": (manifest.last_seq, records[-1].seq),
        "anchor_hash": (manifest.anchor_hash, records[0].prev),
        "in_period": (
            manifest.in_period,
            sum(period.covers(parse_ts(r.ts), r.deployment_id) for r in records),
        ),
        "kinds": (manifest.kinds, dict(Counter(r.kind for r in records))),
    }
    recount = tally(manifest.withheld.records)
    facts |= {
        "withheld.total": (manifest.withheld.total, recount.total),
        "withheld.by_category": (manifest.withheld.by_category, recount.by_category),
        "withheld.by_rule": (manifest.withheld.by_rule, recount.by_rule),
    }
    for name, (claimed, actual) in facts.items():
        if claimed != actual:
            return Problem(
                None,
                f"manifest `{name}` says `{claimed}` but the bundle holds `{actual}`; "
                "the manifest was altered",
            )
    return None


def verify_bundle(path: Path, public_key: TrustRoots) -> BundleReport:
    """Verify the bundle at `path` from the ledger's public key(s) (raises `BundleReadError`).

    Key rotations recorded in the slice carry trust as in `ledger verify`; the manifest must
    be signed by a key trusted at the end of the slice. Rotation records are never withheld.
    """
    files = read_bundle(path)
    try:
        manifest = Manifest.model_validate_json(files.manifest)
    except ValidationError as exc:
        field = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "manifest"
        return _failed(Problem(None, f"{MANIFEST} is not a bundle manifest at `{field}`"))
    try:
        checkpoints = parse_checkpoints(files.checkpoints)
    except ValueError:
        return _failed(Problem(None, "checkpoints.json is not a list of checkpoints"))
    records: list[StoredRecord] = []
    for number, line in enumerate(files.records.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(parse_record(line))
        except ValueError:
            seq = manifest.anchor_seq + len(records) + 1
            return _failed(Problem(seq, f"line `{number}` of records.jsonl is not a record"))
    walk = follow_keys(records, checkpoints, public_key)
    if walk.problem is not None:
        return _failed(Problem(walk.problem.seq, walk.problem.reason))
    problem = check_slice(records, checkpoints, manifest.anchor_seq)
    if problem is None:
        problem = _withheld_problem(records, manifest) or _counts_problem(records, manifest)
    signer = walk.trusted.get(manifest.key_id)
    if problem is None and signer is None:
        problem = Problem(
            None, f"manifest names key `{manifest.key_id}`, not the given key or a key it endorsed"
        )
    if problem is None and signer is not None:
        try:
            signer.verify(bytes.fromhex(files.manifest_signature.decode()), files.manifest)
        except (InvalidSignature, ValueError):
            problem = Problem(
                None, "manifest.json does not match its signature; the manifest was altered"
            )
    if problem is not None:
        return _failed(problem)
    return BundleReport(
        ok=True,
        records=len(records),
        withheld=manifest.withheld.total,
        checkpoints=len(checkpoints),
        anchor_seq=manifest.anchor_seq,
        last_seq=manifest.last_seq,
        by_category=manifest.withheld.by_category,
    )
