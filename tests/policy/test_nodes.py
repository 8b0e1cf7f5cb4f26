"""Reading policy YAML nodes back as plain Python values."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from watchkeeper.policy._nodes import Where, compose, plain

DOCUMENTS = [
    "a: text\nb: [x, 'y', {c: d}]",
    "version: 1\nflag: true\nnone: ~\nratio: 1.5\nyes_word: yes",
    "a: 0x1F\nb: 1_000\nc: 1:30\nd: 2024-01-01\ne: !!binary aGVsbG8=",
    "base: &b {p: 1, q: [a]}\nuse: {<<: *b, q: 2}",
    "1: one\nnull: two\ntrue: three",
    "s: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]",
    "shared: &s [a, b]\nagain: *s",
    "deep: " + "[" * 80 + "x" + "]" * 80,
    "loop: &l [1, *l]",
]


def _shape(value: Any, depth: int = 0) -> Any:
    """`value` as nested tuples (a self-referencing list stops at a fixed depth)."""
    if depth > 5:
        return "..."
    if isinstance(value, list):
        return ("list", tuple(_shape(v, depth + 1) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((_shape(k), _shape(v, depth + 1)) for k, v in value.items()))
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plain_gives_the_value_safe_load_gives(document: str) -> None:
    """`plain` of a composed document equals `yaml.safe_load` of its text, types included."""
    assert _shape(plain(compose(document, Where("t.yaml")))) == _shape(yaml.safe_load(document))
