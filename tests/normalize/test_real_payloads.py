"""The normaliser over real Claude Code PreToolUse payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from watchkeeper.normalize import Normalizer

FORMATS = Path(__file__).parents[2] / ".." / "shared" / "formats" / "claude_code_hooks"


def _payloads() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted(FORMATS.glob("*/pre_tool_use.json")):
        out.extend(json.loads(path.read_text(encoding="utf-8")))
    return out


PAYLOADS = _payloads()


def test_samples_are_present() -> None:
    """The captured payloads are where the tests expect them."""
    assert len(PAYLOADS) >= 70


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: p["tool_name"])
def test_every_payload_normalises_without_errors(
    normalizer: Normalizer, payload: dict[str, Any]
) -> None:
    """Real git/gh/uv command lines and file tools normalise with no errors and no unparsed code."""
    action = normalizer.action(payload["tool_name"], payload["tool_input"], cwd=payload.get("cwd"))
    assert action.errors == ()
    assert "unparsed" not in [c.kind for c in action.code]


def _bash(prefix: str) -> dict[str, Any]:
    return next(
        p
        for p in PAYLOADS
        if p["tool_name"] == "Bash" and p["tool_input"]["command"].startswith(prefix)
    )


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("git stash list", ["git"]),
        ("git diff operator_use/acp/server.py | head -40", ["git", "head"]),
        ("uv run ruff check . --output-format=concise 2>&1 && echo", ["ruff", "echo"]),
        ("git checkout main && uv run ruff check", ["git", "ruff", "grep", "head"]),
        ("gh pr list --repo", ["gh", "echo", "git", "echo", "git"]),
    ],
)
def test_command_names_come_out_right(
    normalizer: Normalizer, prefix: str, expected: list[str]
) -> None:
    """Chosen real command lines give the expected command names in order."""
    payload = _bash(prefix)
    action = normalizer.action("Bash", payload["tool_input"], cwd=payload["cwd"])
    assert [c.name for c in action.commands] == expected


def test_real_read_resolves_the_path(normalizer: Normalizer) -> None:
    """A real Read payload reads its absolute file path."""
    payload = next(p for p in PAYLOADS if p["tool_name"] == "Read")
    action = normalizer.action("Read", payload["tool_input"], cwd=payload["cwd"])
    assert action.reads == (payload["tool_input"]["file_path"],)
