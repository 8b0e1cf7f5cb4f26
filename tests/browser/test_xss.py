"""Hostile agent data renders as inert text in a real browser."""

from __future__ import annotations

import json

from playwright.sync_api import Dialog, Page, expect

from ._stack import DEPLOYMENT, Stack, pre_tool_use

SESSION = "hostile-output"
IMG = '<img src=x onerror="window.__pwned = 1; alert(1)">'
SCRIPT = "<script>window.__pwned = 2; alert(2)</script>"


def _record_hostile_session(stack: Stack) -> None:
    """A call whose reasoning and output both carry HTML, sent through the real hook."""
    call = pre_tool_use("echo hello", session=SESSION, cwd=stack.home)
    transcript = {
        "type": "assistant",
        "uuid": "hostile-thinking-1",
        "message": {"content": [{"type": "thinking", "thinking": f"plan: {IMG} then {SCRIPT}"}]},
    }
    with open(call["transcript_path"], "w", encoding="utf-8") as out:
        out.write(json.dumps(transcript) + "\n")
    stack.run_hook(call)
    result = {
        **call,
        "hook_event_name": "PostToolUse",
        "tool_response": {"stdout": f"{IMG}\n{SCRIPT}", "stderr": "", "interrupted": False},
    }
    stack.run_hook(result)


def test_html_in_tool_output_and_reasoning_renders_inert(reviewer_page: Page, stack: Stack) -> None:
    """Script and img payloads show as text on the session page: no element, no dialog."""
    _record_hostile_session(stack)
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    reviewer_page.on("dialog", on_dialog)
    reviewer_page.goto(f"{stack.url}/sessions/{DEPLOYMENT}/{SESSION}")
    for details in reviewer_page.locator("details").all():
        details.evaluate("element => { element.open = true; }")
    expect(reviewer_page.get_by_text("plan: <img src=x").first).to_be_visible()
    expect(reviewer_page.get_by_text(SCRIPT).first).to_be_attached()
    reviewer_page.wait_for_timeout(300)
    assert reviewer_page.locator("img[src='x']").count() == 0
    injected = "[...document.scripts].some(s => s.textContent.includes('__pwned'))"
    assert reviewer_page.evaluate(injected) is False
    assert reviewer_page.evaluate("window.__pwned") is None
    assert dialogs == []
