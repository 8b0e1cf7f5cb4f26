"""The overview and `/v1/health` say when the gateway's ledger signs no checkpoints."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from ._stack import Stack, pre_tool_use

# The status cache refreshes every 10 s and the overview every 3 s.
_SHOWN_MS = 30_000


def _health(stack: Stack) -> dict[str, Any]:
    with urllib.request.urlopen(f"{stack.url}/v1/health", timeout=5) as reply:
        data: dict[str, Any] = json.loads(reply.read())
    return data


def _health_until(stack: Stack, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    health = _health(stack)
    while health["status"] != status and time.monotonic() < deadline:
        time.sleep(0.1)
        health = _health(stack)
    return health


def test_a_missing_signing_key_is_shown_until_it_is_restored(
    reviewer_page: Page, stack: Stack
) -> None:
    """With `ledger.key` gone the overview warns and health is degraded; restoring clears both."""
    key = stack.home / "keys" / "ledger.key"
    with tempfile.TemporaryDirectory() as directory:
        saved = Path(directory) / "ledger.key"
        shutil.copy2(key, saved)
        try:
            key.unlink()
            stack.run_hook(pre_tool_use("echo unsigned", session="unsigned", cwd=stack.home))
            health = _health_until(stack, "degraded")
            assert health["ok"] is True
            [problem] = health["problems"]
            assert problem.startswith("checkpoints unsigned since ")
            assert "is missing" in problem
            reviewer_page.goto(stack.url)
            warning = reviewer_page.get_by_test_id("checkpoints-unsigned")
            expect(warning).to_contain_text("NOT being signed", timeout=_SHOWN_MS)
            expect(warning).to_contain_text("is missing")
        finally:
            if not key.exists():
                shutil.copy2(saved, key)
    stack.run_hook(pre_tool_use("echo signed again", session="unsigned", cwd=stack.home))
    assert _health_until(stack, "ok")["problems"] == []
    expect(reviewer_page.get_by_test_id("checkpoints-unsigned")).to_have_count(0, timeout=_SHOWN_MS)
