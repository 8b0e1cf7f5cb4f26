"""Deciding, per ledger record, whether a bundle withholds its payload and under which rules.

The commitment scheme is per record, so a record with any match is withheld whole. The rules
that need only the envelope or the payload's shape (another deployment, kinds, tools, fields)
are applied first; the detectors scan only records none of those withholds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from watchkeeper.bundle._rules import RedactionRules

__all__ = [
    "CATEGORIES",
    "OTHER_DEPLOYMENT_RULE",
    "WITHHELD_IN_LEDGER_RULE",
    "Detector",
    "RecordRedactor",
    "category_of",
    "payload_texts",
    "structural_matches",
]

OTHER_DEPLOYMENT_RULE = "deployment:other"
WITHHELD_IN_LEDGER_RULE = "ledger:withheld"
"""A payload the ledger itself no longer holds (deleted there), so no bundle can hold it."""
_CATEGORY_BY_PREFIX = {
    "deployment": "other_deployment",
    "kind": "kinds",
    "tool": "tools",
    "field": "fields",
    "secrets": "secrets",
    "personal": "personal",
    "ledger": "withheld_in_ledger",
}
CATEGORIES = tuple(_CATEGORY_BY_PREFIX.values())
_ENVELOPE_KEYS = frozenset({"schema_version", "id", "ts", "deployment_id", "session_id", "kind"})
"""Published in every envelope anyway, so never scanned."""


def category_of(rule_id: str) -> str:
    """Return the category (`secrets`, `personal`, `fields`, …) of a rule id such as `tool:Read`."""
    prefix = rule_id.split(":", 1)[0]
    try:
        return _CATEGORY_BY_PREFIX[prefix]
    except KeyError:
        msg = f"rule id `{rule_id}` has no known category; use one of {', '.join(CATEGORIES)}"
        raise ValueError(msg) from None


class Detector(Protocol):
    """Something that names what it found in a payload's strings (plugin or entity names)."""

    def scan(self, texts: list[str]) -> set[str]: ...


def _walk(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield str(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def payload_texts(payload: dict[str, Any]) -> list[str]:
    """Return every key and scalar of `payload` as text, except the envelope's own fields."""
    return [
        text
        for key, value in payload.items()
        if key not in _ENVELOPE_KEYS
        for text in (key, *_walk(value))
    ]


def _has_path(payload: Any, path: str) -> bool:
    node = payload
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return node is not None


def structural_matches(
    rules: RedactionRules,
    *,
    kind: str,
    deployment_id: str,
    deployment: str | None,
    payload: dict[str, Any] | None,
) -> list[str]:
    """Return the rule ids that need no detector and match this record, in a fixed order."""
    matched: list[str] = []
    if deployment is not None and deployment_id != deployment:
        matched.append(OTHER_DEPLOYMENT_RULE)
    if kind in rules.kinds:
        matched.append(f"kind:{kind}")
    if payload is not None:
        tool = payload.get("tool")
        if isinstance(tool, str) and tool in rules.tools:
            matched.append(f"tool:{tool}")
        matched.extend(f"field:{path}" for path in rules.fields if _has_path(payload, path))
    return matched


class RecordRedactor:
    """Apply `rules` (and the detectors they enable) to one record's payload at a time."""

    def __init__(
        self,
        rules: RedactionRules,
        *,
        deployment: str | None,
        secrets: Detector | None,
        personal: Detector | None,
    ) -> None:
        self.rules = rules
        self.deployment = deployment
        self._secrets = secrets
        self._personal = personal

    def matches(
        self, *, kind: str, deployment_id: str, payload: dict[str, Any] | None = None
    ) -> list[str]:
        """Return the ids of every rule that withholds this payload; empty keeps it.

        Without a payload (the ledger no longer holds it) only the envelope's rules apply.
        """
        matched = structural_matches(
            self.rules,
            kind=kind,
            deployment_id=deployment_id,
            deployment=self.deployment,
            payload=payload,
        )
        if matched or payload is None:
            return matched
        texts = payload_texts(payload)
        if self._secrets is not None:
            matched.extend(f"secrets:{name}" for name in sorted(self._secrets.scan(texts)))
        if self._personal is not None:
            matched.extend(f"personal:{name}" for name in sorted(self._personal.scan(texts)))
        return matched
