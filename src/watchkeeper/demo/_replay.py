"""Replaying the bundled Claude Code session through the real hook command."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["DemoStep", "hook_argv", "hook_env", "load_session", "replay", "rules_by_tool_use"]


@dataclass(frozen=True, slots=True)
class DemoStep:
    """One replayed hook call: what was sent, what the hook printed, how long it took."""

    index: int
    event: str
    tool: str
    summary: str
    tool_use_id: str | None
    decision: str | None
    reason: str
    exit_code: int
    millis: float


def load_session() -> list[dict[str, Any]]:
    """Return the bundled session: entries of ``{"payload": …, "transcript": [records]}``."""
    text = resources.files("watchkeeper.demo").joinpath("session.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _fill(value: Any, names: Mapping[str, str]) -> Any:
    """Replace ``{cwd}``, ``{transcript}`` and ``{session}`` in every string of `value`."""
    if isinstance(value, str):
        for key, replacement in names.items():
            value = value.replace("{" + key + "}", replacement)
        return value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def hook_argv() -> list[str]:
    """The hook command `install claude-code` writes: this interpreter, ``-S -I``, the launcher."""
    import shlex

    from watchkeeper.integrations.claude_code import hook_command

    return shlex.split(hook_command())


def _summary(payload: Mapping[str, Any]) -> str:
    args = payload.get("tool_input")
    if isinstance(args, Mapping):
        for key in ("command", "file_path", "url", "pattern"):
            if isinstance(args.get(key), str):
                return str(args[key])
    for key in ("prompt", "source", "message", "reason", "last_assistant_message"):
        if isinstance(payload.get(key), str):
            return str(payload[key])
    return ""


def replay(
    entries: Sequence[Mapping[str, Any]],
    *,
    env: Mapping[str, str],
    project: Path,
    session_id: str,
) -> list[DemoStep]:
    """Send each entry through a real hook process, appending its transcript lines first."""
    project.mkdir(parents=True, exist_ok=True)
    transcript = project / f"{session_id}.jsonl"
    names = {"cwd": str(project), "transcript": str(transcript), "session": session_id}
    steps: list[DemoStep] = []
    for index, raw in enumerate(entries, start=1):
        entry = _fill(raw, names)
        with transcript.open("a", encoding="utf-8") as fh:
            fh.writelines(json.dumps(record) + "\n" for record in entry.get("transcript", []))
        payload = entry["payload"]
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - our own hook command, fixed arguments
            hook_argv(),
            input=json.dumps(payload).encode(),
            env=dict(env),
            capture_output=True,
            check=False,
            timeout=60,
        )
        millis = (time.perf_counter() - started) * 1000
        decision, reason = None, ""
        if result.stdout.strip():
            specific = json.loads(result.stdout).get("hookSpecificOutput", {})
            decision = specific.get("permissionDecision")
            reason = specific.get("permissionDecisionReason", "")
        steps.append(
            DemoStep(
                index=index,
                event=payload["hook_event_name"],
                tool=payload.get("tool_name", ""),
                summary=_summary(payload).replace(f"{project}/", ""),
                tool_use_id=payload.get("tool_use_id"),
                decision=decision,
                reason=reason,
                exit_code=result.returncode,
                millis=millis,
            )
        )
    return steps


def rules_by_tool_use(url: str, token: str, session_id: str) -> dict[str, tuple[str, ...]]:
    """Ask the gateway's API which rules decided each tool call of the session."""
    calls: dict[str, str] = {}
    rules: dict[str, tuple[str, ...]] = {}
    after = 0
    while True:
        request = urllib.request.Request(  # noqa: S310 - http to our own gateway
            f"{url}/v1/sessions/{session_id}/events?after_seq={after}&limit=1000",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:  # noqa: S310 - as above
            page = json.loads(reply.read())
        for entry in page["events"]:
            event = entry["event"]
            if event["kind"] == "tool_call" and event.get("tool_use_id"):
                calls[event["id"]] = event["tool_use_id"]
            elif event["kind"] == "verdict" and event["call_id"] in calls:
                rules[calls[event["call_id"]]] = tuple(event["rule_ids"])
        if page.get("next_after_seq") is None:
            return rules
        after = page["next_after_seq"]


def hook_env(url: str, token: str, home: Path) -> dict[str, str]:
    """The environment the demo's hook processes run with (gateway mode)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
    env.update(WATCHKEEPER_URL=url, WATCHKEEPER_TOKEN=token, WATCHKEEPER_HOME=str(home))
    return env
