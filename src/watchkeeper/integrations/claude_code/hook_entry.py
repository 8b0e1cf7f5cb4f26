"""The process Claude Code starts on every hook event: `watchkeeper hook claude-code`.

Gateway mode (``WATCHKEEPER_URL`` set) imports nothing beyond the standard library's C
accelerators and this package's stdlib-only helpers: it reads the payload from stdin and the
transcript lines added since the last call, POSTs both to ``/v1/hooks/claude-code`` with
``WATCHKEEPER_TOKEN``, prints the reply and exits with its exit code. Local mode (no URL)
builds the pipeline in this process instead.

Fail closed: when the gateway is unreachable, slower than ``WATCHKEEPER_TIMEOUT`` seconds
(default 5), answers an HTTP error or garbage, or stdin is not a payload, a PreToolUse event
is denied with the reason on stdout; other events print nothing and are spooled under
``$WATCHKEEPER_HOME/spool/`` to be sent after the next successful call. A PreToolUse call
the gateway says it holds for a reviewer (``X-Watchkeeper-Hold``) is waited for as long as
it holds it, at most ``WATCHKEEPER_APPROVAL_TIMEOUT`` seconds (default 120) plus 10.

`_launcher.py` starts this with ``python -S -I``, which skips the `site` start-up of a
virtualenv; local mode, which needs the installed dependencies, then runs `site.main()`.
"""

from __future__ import annotations

import sys

from watchkeeper.integrations.claude_code import _fastos as fos
from watchkeeper.integrations.claude_code._tail import Tail, read_tail
from watchkeeper.integrations.claude_code._wire import (
    GatewayError,
    GatewayReplyError,
    GatewayTimeoutError,
    GatewayUnreachableError,
    dumps,
    loads,
    post_json,
)

TYPE_CHECKING = False  # `typing` costs ~20 ms of start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = [
    "DEFAULT_APPROVAL_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "HOOK_PATH",
    "MAX_BODY_BYTES",
    "deny_output",
    "main",
    "run_hook",
]

#: Seconds to wait for the gateway before failing closed.
DEFAULT_TIMEOUT = 5.0
#: Most seconds to wait for a reviewer when the gateway holds a PreToolUse call.
DEFAULT_APPROVAL_TIMEOUT = 120.0
#: The gateway route every hook event is sent to.
HOOK_PATH = "/v1/hooks/claude-code"
#: Largest request body the hook sends (the gateway's default limit is 1 MiB).
MAX_BODY_BYTES = (1 << 20) - (64 << 10)
#: Spooled events sent after one successful call, at most.
_SPOOL_FLUSH_LIMIT = 20
_DECISIONS = ("allow", "deny", "ask")
_USAGE = """\
Usage: watchkeeper hook claude-code < event.json

Handle one Claude Code hook event (JSON on stdin) and print the reply. Claude Code runs
this; `watchkeeper install claude-code` sets it up. Environment: WATCHKEEPER_URL (gateway,
http://host:port or unix:///path; unset = decide locally), WATCHKEEPER_TOKEN,
WATCHKEEPER_TIMEOUT (seconds, default 5), WATCHKEEPER_APPROVAL_TIMEOUT (most seconds to
wait while the gateway holds a call for a reviewer, default 120; 0 never waits),
WATCHKEEPER_HOME (default ~/.watchkeeper).
Any failure denies a PreToolUse call.
"""


def deny_output(reason: str) -> dict[str, Any]:
    """Return the PreToolUse hook output that denies the call with `reason`."""
    return {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    }


def _home() -> str:
    home = fos.getenv("WATCHKEEPER_HOME")
    if home:
        return home
    user_home = fos.getenv("HOME")
    if user_home:
        return fos.join(user_home, ".watchkeeper")
    import os

    return os.path.expanduser("~/.watchkeeper")


def _timeout() -> float:
    try:
        value = float(fos.getenv("WATCHKEEPER_TIMEOUT"))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def _approval_timeout() -> float:
    try:
        value = float(fos.getenv("WATCHKEEPER_APPROVAL_TIMEOUT") or DEFAULT_APPROVAL_TIMEOUT)
    except ValueError:
        return DEFAULT_APPROVAL_TIMEOUT
    return value if value >= 0 else DEFAULT_APPROVAL_TIMEOUT


def _read_payload() -> tuple[dict[str, Any], str | None]:
    """Return the payload and its event name; unreadable input becomes a wrapper, name None."""
    try:
        text = sys.stdin.buffer.read().decode("utf-8", "replace")
    except (OSError, ValueError, AttributeError) as exc:  # AttributeError: no stdin at all
        return {"watchkeeper_unreadable_stdin": f"{type(exc).__name__}: {exc}"}, None
    try:
        payload = loads(text)
    except ValueError:
        return {"watchkeeper_unparsed_stdin": text[:4096]}, None
    if not isinstance(payload, dict):
        return {"watchkeeper_unparsed_stdin": text[:4096]}, None
    name = payload.get("hook_event_name")
    return payload, name if isinstance(name, str) else None


def _guards_a_call(event: str | None) -> bool:
    """Whether a failure on this event must deny (PreToolUse, or input too broken to tell)."""
    return event is None or event == "PreToolUse"


def _tails(home: str, payload: dict[str, Any]) -> list[Tail]:
    """Read the new transcript lines; best effort, since the event matters more than its context."""
    session = payload.get("session_id")
    if not isinstance(session, str) or not session:
        return []
    state_dir = fos.join(home, "state")
    tails = []
    for key in ("transcript_path", "agent_transcript_path"):
        path = payload.get(key)
        if isinstance(path, str) and path:
            try:
                tails.append(read_tail(state_dir, session, path))
            except (OSError, ValueError) as exc:
                sys.stderr.write(f"watchkeeper: could not read transcript {path}: {exc}\n")
    return tails


def _encode(payload: dict[str, Any], tails: list[Tail]) -> tuple[bytes, list[Tail]]:
    """Serialise the request; if too large, cap the tool output, then leave lines for later."""
    lines = [line for tail in tails for line in tail.lines]
    data = dumps({"payload": payload, "transcript_lines": lines}).encode("ascii")
    if len(data) <= MAX_BODY_BYTES:
        return data, tails
    if "tool_response" in payload:
        from watchkeeper.integrations.claude_code._output_cap import cap_output

        response = payload["tool_response"]
        payload = {**payload, "tool_response": cap_output(response, dumps(response))}
    data = dumps({"payload": payload, "transcript_lines": lines}).encode("ascii")
    if len(data) <= MAX_BODY_BYTES:
        return data, tails
    return dumps({"payload": payload, "transcript_lines": []}).encode("ascii"), []


def _checked(reply: Any, event: str | None) -> tuple[dict[str, Any] | None, int]:
    """Return (stdout, exit code) from a gateway reply, or raise `GatewayReplyError`."""
    if not isinstance(reply, dict):
        raise GatewayReplyError("reply is not a JSON object")
    stdout, code = reply.get("stdout"), reply.get("exit_code")
    if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 255:
        raise GatewayReplyError("reply has no valid `exit_code`")
    if stdout is not None and not isinstance(stdout, dict):
        raise GatewayReplyError("reply `stdout` is not a JSON object")
    if _guards_a_call(event):
        specific = (stdout or {}).get("hookSpecificOutput")
        decision = specific.get("permissionDecision") if isinstance(specific, dict) else None
        if code != 0 or decision not in _DECISIONS:
            raise GatewayReplyError("reply has no permission decision")
    return stdout, code


def _failure_reason(url: str, exc: Exception) -> str:
    if isinstance(exc, GatewayTimeoutError):
        # The message names the deadline actually used (longer while a review is awaited).
        return f"watchkeeper gateway at {url} did not answer in time ({exc}); call denied"
    if isinstance(exc, GatewayUnreachableError):
        return f"watchkeeper gateway unreachable at {url} ({exc}); call denied"
    if isinstance(exc, GatewayError):
        return f"watchkeeper gateway at {url} failed ({exc}); call denied"
    return f"watchkeeper could not decide this call locally ({type(exc).__name__}); call denied"


def _spool_failure(home: str, payload: dict[str, Any], event: str | None, reason: str) -> None:
    """Keep what could not be delivered; a denied call is kept as a fail-closed record."""
    import time

    from watchkeeper.integrations.claude_code._spool import spool

    if _guards_a_call(event):
        session = payload.get("session_id")
        kept: dict[str, Any] = {
            "hook_event_name": "WatchkeeperFailClosed",
            "session_id": session if isinstance(session, str) and session else "unknown",
            "original_event": event,
            "tool_name": payload.get("tool_name"),
            "tool_input": payload.get("tool_input"),
            "tool_use_id": payload.get("tool_use_id"),
            "reason": reason,
        }
    else:
        kept = dict(payload)
    kept["watchkeeper_spooled_at_unix"] = time.time()
    try:
        document = dumps({"payload": kept, "transcript_lines": []}).encode("ascii")
        spool(fos.join(home, "spool"), document)
    except (OSError, ValueError, TypeError) as exc:
        sys.stderr.write(f"watchkeeper: could not spool the event: {exc}\n")


def _flush_spool(home: str, url: str, token: str | None, budget: float) -> None:
    """Send spooled events, oldest first, within `budget` seconds in all."""
    import time

    from watchkeeper.integrations.claude_code._spool import pending

    deadline = time.monotonic() + budget
    for path in pending(fos.join(home, "spool"), limit=_SPOOL_FLUSH_LIMIT):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            post_json(url, HOOK_PATH, data, token=token, timeout=remaining)
        except GatewayReplyError as exc:
            if not str(exc).startswith("HTTP 4"):
                return
            _set_aside(path)  # the gateway will never accept it; keep it for a human
            continue
        except GatewayError:
            return
        except OSError:
            continue
        try:
            fos.unlink(path)
        except OSError:
            return


def _set_aside(path: str) -> None:
    try:
        fos.replace(path, path[: -len(".json")] + ".rejected")
    except OSError as exc:
        sys.stderr.write(f"watchkeeper: could not set aside {path}: {exc}\n")


def _deliver_local(data: bytes) -> Any:
    from watchkeeper.integrations.claude_code._local import run_local

    return run_local(data)


def _emit(stdout: dict[str, Any] | None) -> None:
    if stdout is not None:
        sys.stdout.write(dumps(stdout) + "\n")
        sys.stdout.flush()


def run_hook(argv: list[str]) -> int:
    """Handle one Claude Code hook event from stdin and return the process exit code.

    `argv` holds the arguments after ``hook claude-code``; only ``--help`` is understood.
    """
    if "--help" in argv or "-h" in argv:
        sys.stdout.write(_USAGE)
        return 0
    url = fos.getenv("WATCHKEEPER_URL").strip().rstrip("/")
    if not url and sys.flags.no_site:
        # Started with -S for speed, but local mode needs the installed dependencies:
        # run the `site` set-up now, in this process, instead of starting a second one.
        import site

        site.main()
    home = _home()
    payload, event = _read_payload()
    tails = _tails(home, payload)
    data, tails = _encode(payload, tails)
    token = fos.getenv("WATCHKEEPER_TOKEN") or None
    timeout = _timeout()
    try:
        if url:
            hold_cap = _approval_timeout() if _guards_a_call(event) else 0.0
            reply = post_json(url, HOOK_PATH, data, token=token, timeout=timeout, hold_cap=hold_cap)
        else:
            reply = _deliver_local(data)
        stdout, code = _checked(reply, event)
    except Exception as exc:  # noqa: BLE001 - fail closed: every failure ends in deny or spool
        reason = _failure_reason(url, exc)
        sys.stderr.write(f"watchkeeper: {reason}\n")
        if url:
            _spool_failure(home, payload, event, reason)
        if _guards_a_call(event):
            _emit(deny_output(reason))
        return 0
    for tail in tails:
        try:
            tail.commit()
        except OSError as exc:
            sys.stderr.write(f"watchkeeper: could not save the transcript offset: {exc}\n")
    _emit(stdout)
    if url and not _guards_a_call(event):
        # Never on PreToolUse: Claude Code reads the decision only once the process exits.
        _flush_spool(home, url, token, timeout)
    return code


def main(argv: list[str]) -> NoReturn:
    """Run the hook on `argv`, flush what it printed, and end the process on the spot.

    Tearing the interpreter down (module dictionaries, garbage collection) costs about 1.5 ms
    in gateway mode and tens of milliseconds in local mode, on every tool call. Nothing is
    left to do by then: state and spool files are closed, the local ledger is committed and
    closed, and stdout and stderr are flushed here. A failed flush raises as usual.
    """
    code = run_hook(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    fos.exit_now(code)
