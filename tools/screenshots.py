"""`make screenshots`: PNGs of every review page, taken in chromium from a live demo gateway.

Run from the repository root: ``python -m tools.screenshots [OUT_DIR]`` (default
``docs/screenshots``). It starts a real `watchkeeper serve` on a temporary home with the same
harness the browser tests use (`tests/browser/_stack.py`), feeds it a short agent session
through the real hook — ordinary calls, reasoning, a tool output, a call the `persistence`
monitor alerts on, and a `git push` left waiting for approval — then signs in as the admin
and writes overview.png, approvals.png, alerts.png, session.png, deployments.png,
policy.png and login.png.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright
from tests.browser._stack import (
    ADMIN,
    DEPLOYMENT,
    Stack,
    launch_chromium,
    log_in,
    pre_tool_use,
    start_stack,
    watchkeeper,
)

SESSION = "demo-session"
#: Where the demo agent works; only shown, never touched.
WORKDIR = Path("/home/dev/src/shop-api")
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}


def _demo_data(stack: Stack) -> None:
    """A small, realistic session: work, reasoning, output, an alert and a waiting ask."""
    watchkeeper(
        stack.home,
        "deploy",
        "register",
        "nightly-triage",
        "--owner",
        "platform-team",
        "--purpose",
        "label and route new issues",
        "--expires",
        "7d",
        "--home",
        str(stack.home),
    )
    transcript = stack.home / f"{SESSION}.jsonl"
    first = pre_tool_use("ls -la", session=SESSION, cwd=WORKDIR, transcript=transcript)
    thinking = {
        "type": "assistant",
        "uuid": "demo-thinking-1",
        "message": {
            "content": [
                {
                    "type": "thinking",
                    "thinking": "The tests pass locally; next I will push the branch so CI runs.",
                }
            ]
        },
    }
    transcript.write_text(json.dumps(thinking) + "\n", encoding="utf-8")
    stack.run_hook(first)
    stack.run_hook(
        {
            **first,
            "hook_event_name": "PostToolUse",
            "tool_response": {"stdout": "README.md\nsrc\ntests\n", "stderr": ""},
        }
    )
    build = pre_tool_use("echo build ok", session=SESSION, cwd=WORKDIR, transcript=transcript)
    stack.run_hook(build)
    stack.raise_alert(SESSION, cwd=WORKDIR)
    push = "git push origin release-1.4"
    stack.hook(pre_tool_use(push, session=SESSION, cwd=WORKDIR, transcript=transcript))


def _shoot(page: Page, url: str, path: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=True)
    print(f"wrote {path}")


def main(out_dir: Path) -> None:
    """Start the demo gateway, drive chromium through each page and write the PNGs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wk-shots-", dir="/tmp") as directory:
        stack = start_stack(Path(directory) / "home", approval_timeout=600)
        try:
            _demo_data(stack)
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                try:
                    page = browser.new_context(viewport=VIEWPORT).new_page()
                    _shoot(page, f"{stack.url}/login", out_dir / "login.png")
                    log_in(page, stack.url, ADMIN)
                    page.goto(f"{stack.url}/approvals")
                    page.wait_for_selector("[data-testid^='approval-']", timeout=30_000)
                    pages = {
                        "overview": "/",
                        "approvals": "/approvals",
                        "alerts": "/alerts",
                        "session": f"/sessions/{DEPLOYMENT}/{SESSION}",
                        "deployments": "/deployments",
                        "policy": "/policy",
                    }
                    for name, path in pages.items():
                        _shoot(page, f"{stack.url}{path}", out_dir / f"{name}.png")
                finally:
                    browser.close()
        finally:
            stack.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
