"""A real hook process waits on an `ask` until a reviewer decides it in the browser."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Locator, Page, expect

from watchkeeper.events import Decision, ToolCall
from watchkeeper.integrations.sdk import GatewayClient

from ._stack import Stack, finish_hook, pre_tool_use


def _decision(reply: dict[str, object]) -> object:
    output = reply.get("hookSpecificOutput")
    assert isinstance(output, dict), reply
    return output.get("permissionDecision")


def _card_for(page: Page, command: str) -> Locator:
    """The pending approval showing `command`, once the live update has brought it in."""
    card = page.locator("[data-testid^='approval-']").filter(has_text=command)
    expect(card).to_have_count(1, timeout=15_000)
    return card


def test_approving_in_the_browser_lets_the_waiting_hook_run(
    reviewer_page: Page, stack: Stack
) -> None:
    """The hook blocked on `git push` prints allow after the reviewer approves it in the page."""
    reviewer_page.goto(f"{stack.url}/approvals")
    command = f"git push origin feature-{uuid.uuid4().hex[:8]}"
    hook = stack.hook(pre_tool_use(command, session="approve-me", cwd=stack.home))
    card = _card_for(reviewer_page, command)
    assert hook.poll() is None, "the hook must wait for the reviewer"
    card.locator("[name=reason]").first.fill("release branch, checked with the owner")
    card.get_by_test_id("approve").click()
    assert _decision(finish_hook(hook, timeout=30)) == "allow"


def test_denying_in_the_browser_refuses_the_waiting_hook(reviewer_page: Page, stack: Stack) -> None:
    """The hook blocked on `git push` prints deny after the reviewer denies it in the page."""
    reviewer_page.goto(f"{stack.url}/approvals")
    command = f"git push --force origin main-{uuid.uuid4().hex[:8]}"
    hook = stack.hook(pre_tool_use(command, session="deny-me", cwd=stack.home))
    card = _card_for(reviewer_page, command)
    assert hook.poll() is None, "the hook must wait for the reviewer"
    card.locator("[name=reason]").first.fill("force-pushing main is not acceptable")
    card.get_by_test_id("deny").click()
    assert _decision(finish_hook(hook, timeout=30)) == "deny"


def test_a_call_withdrawn_by_its_client_leaves_the_pending_list(
    reviewer_page: Page, stack: Stack
) -> None:
    """A held call its client cancels disappears from the page; its waiter is told deny."""
    reviewer_page.goto(f"{stack.url}/approvals")
    command = f"git push origin cancelled-{uuid.uuid4().hex[:8]}"
    call = ToolCall(
        session_id="withdraw-me",
        tool="Bash",
        args={"command": command},
        cwd=str(stack.home),
        tool_use_id=uuid.uuid4().hex,
    )
    with (
        GatewayClient(stack.url, stack.token, review_wait=60) as waiting,
        GatewayClient(stack.url, stack.token) as cancelling,
        ThreadPoolExecutor(1) as pool,
    ):
        verdict = pool.submit(waiting.decide, call)
        card = _card_for(reviewer_page, command)
        assert cancelling.withdraw(call, "the MCP client cancelled the call")
        expect(card).to_have_count(0, timeout=15_000)
        assert verdict.result(timeout=30).decision is Decision.DENY
    [withdrawn] = [e for e in stack.review_events() if e["action"] == "withdraw"]
    assert withdrawn["reason"] == "the MCP client cancelled the call"
