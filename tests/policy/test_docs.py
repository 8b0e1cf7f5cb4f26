"""docs/policy.md stays in step with the loader and the built-in pack."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.policy import parse_policy
from watchkeeper.policy._loader import CODE_KINDS, MATCHER_KEYS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text()


def test_every_matcher_is_documented() -> None:
    """Each matcher key the loader accepts appears in the matcher table."""
    missing = [k for k in MATCHER_KEYS if f"| `{k}` |" not in DOC]
    assert not missing


def test_every_code_kind_is_documented() -> None:
    """Each code kind the loader accepts is named in the reference."""
    assert all(f"`{kind}`" in DOC for kind in CODE_KINDS)


def test_every_pack_rule_is_documented() -> None:
    """Each rule of the coding-agent pack is described in the reference."""
    policy = parse_policy("version: 1\ndefault: deny\ninclude: [coding-agent]\n", home="/h")
    missing = [r.id for r in policy.rules if f"`{r.id}`" not in DOC]
    assert not missing


def test_every_policy_command_is_documented() -> None:
    """`policy check|show|test` and `decide` are in the reference."""
    for command in ("policy check", "policy show", "policy test", "watchkeeper decide"):
        assert command in DOC
