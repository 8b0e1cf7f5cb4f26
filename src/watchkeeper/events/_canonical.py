"""Canonical JSON: the only byte form that is ever hashed or signed."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["canonical_json"]


def canonical_json(value: Any) -> bytes:
    """Serialise JSON-compatible `value` with sorted keys, no spaces and UTF-8 output.

    Callers pass plain JSON data (use `model_dump(mode="json")` for models), so the
    bytes depend only on content, never on field order or on the Python version.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
