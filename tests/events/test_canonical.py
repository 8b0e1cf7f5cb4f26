"""Canonical JSON: the byte form docs/ledger.md specifies for hashing and signing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watchkeeper.events import canonical_json

# JSON data without floats: there the canonical form is exactly Python's json.dumps.
json_without_floats = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _spec_float(value: float) -> str:
    """Write a finite float as docs/ledger.md specifies, independently of the encoder."""
    text = repr(abs(value))
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0").rstrip("0")
    sign = "-" if str(value).startswith("-") else ""
    if not digits:
        return f"{sign}0.0"
    # Decimal exponent of the first significant digit.
    point = len(whole) + int(exp or 0)
    leading = len(whole + frac) - len((whole + frac).lstrip("0"))
    exponent = point - leading - 1
    if -5 <= exponent < 16:
        if exponent >= 0:
            integral = digits[: exponent + 1].ljust(exponent + 1, "0")
            return f"{sign}{integral}.{digits[exponent + 1 :] or '0'}"
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    fraction = f".{digits[1:]}" if len(digits) > 1 else ""
    return f"{sign}{digits[0]}{fraction}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


def test_keys_are_sorted_at_every_level() -> None:
    """Keys sort by code point in every object, including objects inside arrays."""
    value = {"b": [{"z": 1, "a": {"y": 2, "x": 3}}], "a": None, "é": 1, "Z": 2}
    assert (
        canonical_json(value) == '{"Z":2,"a":null,"b":[{"a":{"x":3,"y":2},"z":1}],"é":1}'.encode()
    )


@given(json_without_floats)
def test_matches_python_json_without_floats(value: Any) -> None:
    """Without floats the bytes are json.dumps(sort_keys, compact separators, raw UTF-8)."""
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected.encode("utf-8")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_follow_the_documented_form(value: float) -> None:
    """A finite float is written in the documented shortest round-trip form."""
    out = canonical_json([value])
    assert out == f"[{_spec_float(value)}]".encode()
    assert json.loads(out) == [value]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, b"0.0"),
        (-0.0, b"-0.0"),
        (1.0, b"1.0"),
        (0.1, b"0.1"),
        (1e-05, b"0.00001"),
        (1.5e-06, b"1.5e-6"),
        (1e15, b"1000000000000000.0"),
        (1e16, b"1e+16"),
        (1.7976931348623157e308, b"1.7976931348623157e+308"),
        (5e-324, b"5e-324"),
    ],
)
def test_float_form_is_pinned(value: float, expected: bytes) -> None:
    """Pinned float forms: an encoder upgrade that changes them fails here, not in the field."""
    assert canonical_json(value) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_floats_are_refused_at_any_depth(bad: float) -> None:
    """NaN and ±Infinity raise instead of turning into null, however deep they sit."""
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json({"a": [None, {"b": (1, bad)}]})
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json(bad)


def test_integers_beyond_64_bits_are_exact() -> None:
    """Integers of any size are written exactly, as Python's json module writes them."""
    value = {"big": [2**64, -(2**63) - 1, 10**40], "edge": [2**64 - 1, -(2**63)]}
    assert (
        canonical_json(value) == json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    )


def test_tuples_are_arrays() -> None:
    """A tuple is written as the array of its items."""
    assert canonical_json({"t": (1, "a", None)}) == b'{"t":[1,"a",null]}'


@pytest.mark.parametrize(
    "bad",
    [
        {1: "int key"},
        {"when": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        {"set": {1, 2}},
        {"raw": b"bytes"},
        {"surrogate": "\ud800"},
        {"big": 2**64, "set": {1}},
    ],
)
def test_values_that_are_not_json_data_are_refused(bad: dict[Any, Any]) -> None:
    """Non-string keys, datetimes, sets, bytes and lone surrogates raise TypeError."""
    with pytest.raises(TypeError):
        canonical_json(bad)


@pytest.mark.parametrize("depth", [300, 5000])
def test_nesting_deeper_than_255_levels_is_refused(depth: int) -> None:
    """Nesting beyond 255 levels raises TypeError rather than recursing without bound."""
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    with pytest.raises(TypeError):
        canonical_json(value)
