"""Canonical JSON: the only byte form that is ever hashed or signed.

The bytes are orjson's with sorted keys (docs/ledger.md specifies them byte for byte, so a
verifier in any language can reproduce them). orjson writes NaN and ±Infinity as ``null``; we
refuse them instead, and we write integers outside orjson's 64-bit range exactly rather than
failing, so the output depends on the JSON value alone.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

__all__ = ["canonical_json"]

_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1


def canonical_json(value: Any) -> bytes:
    """Serialise JSON data `value` with sorted keys, no spaces and UTF-8 output.

    `value` is plain JSON data — dicts with `str` keys, lists or tuples, `str`, `int`, finite
    `float`, `bool` and `None` (use `model_dump(mode="json")` for models) — so the bytes depend
    only on content, never on key order or on the Python version. Raises `ValueError` for
    NaN or ±Infinity and `TypeError` for anything that is not JSON data (including nesting
    deeper than 255 levels).
    """
    try:
        out = orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError as exc:
        # The one failure with a JSON answer: an integer beyond 64 bits. Anything else raises.
        try:
            exact = _exact_ints(value)
        except RecursionError:
            raise exc from None
        out = orjson.dumps(exact, option=_OPTIONS)
    if b"null" in out:
        # orjson writes a non-finite float as `null`; only a `null` in the output can hide one.
        _reject_non_finite((value,))
    return out


def _exact_ints(value: Any) -> Any:
    """Return `value` with every integer outside 64 bits replaced by its exact decimal form."""
    kind = type(value)
    if kind is dict:
        return {key: _exact_ints(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_exact_ints(item) for item in value]
    if kind is int and not _INT_MIN <= value <= _INT_MAX:
        return orjson.Fragment(str(value).encode())
    return value


def _reject_non_finite(value: Any) -> None:
    """Raise `ValueError` if the items of container `value` hold NaN or ±Infinity anywhere."""
    items = value.values() if type(value) is dict else value
    for item in items:
        kind = type(item)
        if kind is float:
            if not math.isfinite(item):
                msg = (
                    f"float `{item!r}` is not JSON compliant; "
                    "replace NaN and Infinity with a number or null"
                )
                raise ValueError(msg)
        elif kind is dict or kind is list or kind is tuple:
            _reject_non_finite(item)
