"""docs/normalization.md documents every kind, wrapper and pseudo path the code produces."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchkeeper.normalize._wrappers import _SIMPLE

DOC = (Path(__file__).parents[2] / "docs" / "normalization.md").read_text(encoding="utf-8")
KINDS = ["download-exec", "decode-exec", "inline", "script", "eval", "dynamic-name", "unparsed"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_code_kind_is_documented(kind: str) -> None:
    """Each `CodeExec.kind` has a row in the docs."""
    assert f"| `{kind}` |" in DOC


@pytest.mark.parametrize("wrapper", sorted(_SIMPLE))
def test_every_wrapper_is_documented(wrapper: str) -> None:
    """Each peeled wrapper is named in the docs."""
    assert f"`{wrapper}" in DOC


def test_crontab_pseudo_path_is_documented() -> None:
    """The crontab pseudo path convention is written down."""
    assert "`crontab:<user>`" in DOC
