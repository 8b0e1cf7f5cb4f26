"""`watchkeeper decide`: one event on stdin → one verdict (JSON) on stdout.

Input is either ``{"tool", "args", "cwd"?, "session"?}`` or a Claude Code PreToolUse payload
(``tool_name``/``tool_input``/``cwd``). The verdict is printed as
``{"decision", "rule_ids", "explanation", "agent_message", "errors"}``. Fail-closed: when the
input is malformed or the policy does not load, a one-line error goes to stderr, a deny
verdict (with the error in ``errors``) to stdout, and the exit status is 1. A decided call —
whatever the decision — exits 0.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["register"]


def _verdict_json(decision: str, rule_ids: Any, explanation: str, message: str, errors: Any) -> str:
    return json.dumps(
        {
            "decision": decision,
            "rule_ids": list(rule_ids),
            "explanation": explanation,
            "agent_message": message,
            "errors": list(errors),
        }
    )


def _fail(error: str) -> None:
    typer.echo(error, err=True)
    typer.echo(
        _verdict_json(
            "deny",
            (),
            f"denied: {error}",
            "watchkeeper blocked this tool call: the call could not be decided.",
            (error,),
        )
    )
    raise typer.Exit(1)


def _event(raw: str) -> tuple[str, Mapping[str, Any], str | None, Any]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"stdin is not json ({exc.msg} at line {exc.lineno}); send one object"
        ) from None
    if not isinstance(data, dict):
        raise ValueError('stdin json is not an object; send `{"tool": …, "args": {…}}`')
    tool = data.get("tool", data.get("tool_name"))
    args = data.get("args", data.get("tool_input", {}))
    if not isinstance(tool, str) or not tool:
        raise ValueError("the event has no `tool` (or `tool_name`); add the tool name")
    if not isinstance(args, dict):
        raise ValueError(f"the `args` of `{tool}` are not an object; send a json object")
    cwd = data.get("cwd")
    if cwd is not None and not isinstance(cwd, str):
        raise ValueError("the event `cwd` is not text; send a path")
    return tool, args, cwd, data.get("session")


def register(app: typer.Typer) -> None:
    """Add the `decide` command to `app`."""

    @app.command("decide")
    def decide(
        policy: Annotated[Path, typer.Option("--policy", help="The policy YAML file.")],
        cwd: Annotated[
            str | None, typer.Option("--cwd", help="Working directory if the event gives none.")
        ] = None,
        home: Annotated[
            str | None, typer.Option("--home", help="Home directory `~/` stands for.")
        ] = None,
    ) -> None:
        """Decide one tool call read as JSON from stdin; print the verdict as JSON."""
        from watchkeeper.normalize import Normalizer
        from watchkeeper.policy import PolicyError, load_policy, session_from_mapping

        try:
            loaded = load_policy(policy, home=home)
        except PolicyError as exc:
            _fail(str(exc))
            return
        try:
            tool, args, event_cwd, session = _event(sys.stdin.read())
            context = session_from_mapping(session)
        except ValueError as exc:
            _fail(str(exc))
            return
        action = Normalizer(home=loaded.home).action(tool, args, cwd=event_cwd or cwd)
        verdict = loaded.decide(action, context)
        typer.echo(
            _verdict_json(
                verdict.decision.value,
                verdict.rule_ids,
                verdict.explanation,
                verdict.agent_message,
                verdict.errors,
            )
        )
