"""Whether a grant covers a call: every command, every path, no host, nothing hidden."""

from __future__ import annotations

import posixpath
from datetime import datetime

from watchkeeper.events import Decision, ToolCall
from watchkeeper.normalize import Action, Command
from watchkeeper.policy import Verdict
from watchkeeper.review._grant_model import Grant

__all__ = ["covers", "granted_verdict"]


def covers(grant: Grant, call: ToolCall, action: Action, now: datetime) -> bool:
    """Whether `grant` allows `call` (normalised as `action`) at `now`.

    Conservative on purpose: anything the grant does not name (another command in a
    compound line, a wrapper such as ``sudo``, a leading variable assignment, a host, a
    write outside the grant's paths, inline code) means it does not cover the call.
    """
    spec = grant.spec
    if not grant.active(now) or call.deployment_id != spec.deployment_id:
        return False
    if action.tool != spec.tool or call.tool != spec.tool:
        return False
    if action.errors or action.code or action.detached or action.hosts or action.urls:
        return False
    if spec.cwd_prefix is not None and not _under(action.cwd or call.cwd, spec.cwd_prefix):
        return False
    if spec.command:
        if not action.commands or not all(
            _command_covered(c, spec.command) for c in action.commands
        ):
            return False
    elif action.commands:
        return False
    if spec.path_prefix is None:
        return not action.writes
    return all(_under(path, spec.path_prefix) for path in (*action.reads, *action.writes))


def granted_verdict(grant: Grant, asked: Verdict) -> Verdict:
    """The allow verdict `grant` gives in place of the `asked` verdict; it names both."""
    asking = ", ".join(f"`{rule}`" for rule in asked.rule_ids) or "the policy default"
    return Verdict(
        decision=Decision.ALLOW,
        rule_ids=(f"grant:{grant.id}", *asked.rule_ids),
        explanation=f"allowed by grant `{grant.id}` ({grant.describe()}; by "
        f"{grant.spec.created_by}: {grant.spec.reason or 'no reason given'}) instead of the "
        f"ask from {asking}: {asked.explanation}",
        agent_message="",
        errors=asked.errors,
    )


def _command_covered(command: Command, prefix: tuple[str, ...]) -> bool:
    if command.wrappers or command.code or command.hosts or command.detached:
        return False
    if command.argv[: len(prefix)] != prefix:
        return False
    # `PATH=. pytest` normalises to argv ("pytest",); the source text shows the assignment.
    return not command.text or command.text.lstrip().startswith(command.argv[0])


def _under(path: str | None, prefix: str) -> bool:
    if path is None or not path.startswith("/"):
        return False
    path = posixpath.normpath(path)
    prefix = posixpath.normpath(prefix)
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")
