"""The bundle manifest: what the slice covers and what was withheld, under which rules."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from pydantic import AwareDatetime, BaseModel, ConfigDict

from watchkeeper.bundle._redact import category_of
from watchkeeper.bundle._rules import RedactionRules

__all__ = [
    "FORMAT",
    "Manifest",
    "Redaction",
    "WithheldRecord",
    "Withholding",
    "manifest_json",
    "tally",
]

FORMAT = "watchkeeper-evidence-bundle"


class WithheldRecord(BaseModel):
    """One record whose payload and salt are not in the bundle, and the rules that withheld it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int
    rules: tuple[str, ...]


class Withholding(BaseModel):
    """Every withheld record, and how many per category and per rule (records, not matches)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    total: int
    by_category: dict[str, int]
    by_rule: dict[str, int]
    records: tuple[WithheldRecord, ...]


class Redaction(BaseModel):
    """How the export decided: the rules applied, their file's hash, the detectors' versions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: RedactionRules
    rules_sha256: str | None
    """The sha256 of the rules file, or None when the built-in defaults were used."""
    detectors: dict[str, str]


class Manifest(BaseModel):
    """Everything `bundle verify` checks the records against, signed with the ledger's key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str = FORMAT
    version: int = 1
    created: AwareDatetime
    since: AwareDatetime
    until: AwareDatetime
    deployment: str | None
    key_id: str
    anchor_seq: int
    anchor_hash: str
    first_seq: int
    last_seq: int
    records: int
    in_period: int
    kinds: dict[str, int]
    withheld: Withholding
    redaction: Redaction


def tally(records: Iterable[WithheldRecord]) -> Withholding:
    """Count `records` per category and per rule; each record counts once in each."""
    rows = tuple(sorted(records, key=lambda r: r.seq))
    by_rule: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for row in rows:
        by_rule.update(set(row.rules))
        by_category.update({category_of(rule) for rule in row.rules})
    return Withholding(
        total=len(rows),
        by_category=dict(sorted(by_category.items())),
        by_rule=dict(sorted(by_rule.items())),
        records=rows,
    )


def manifest_json(manifest: Manifest) -> bytes:
    """Return the manifest as the bytes stored (and signed) in a bundle."""
    data = manifest.model_dump(mode="json")
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"
