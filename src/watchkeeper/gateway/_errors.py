"""Turning rejected requests into one-line JSON errors and recorded `ErrorEvent`s."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from starlette.responses import JSONResponse

from watchkeeper.events import ErrorEvent

__all__ = ["ApiError", "error_response", "one_line", "rejected_input_event"]

_RAW_KEPT = 4096
_UNKNOWN_SESSION = "unknown"


class ApiError(Exception):
    """A request the API refuses, with the HTTP status and the one-line message to send."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JSONResponse:
    """Return the JSON body every rejected request gets: ``{"error": message}``."""
    return JSONResponse({"error": message}, status_code=status)


def one_line(exc: ValidationError) -> str:
    """Summarise a pydantic validation error as one lowercase sentence."""
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    if not errors:
        return "request body is not valid; check it against /openapi.json"
    first = errors[0]
    if first["type"] == "json_invalid":
        return "request body is not valid JSON; send one JSON object"
    location = ".".join(str(part) for part in first["loc"]) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message = str(first["msg"])
    message = message[:1].lower() + message[1:]
    return f"field `{location}`: {message}{more}; check it against /openapi.json"


def rejected_input_event(deployment_id: str, where: str, message: str, raw: bytes) -> ErrorEvent:
    """Return the `ErrorEvent` that keeps a rejected request (truncated) in the ledger."""
    return ErrorEvent(
        deployment_id=deployment_id,
        session_id=_session_of(raw),
        where=where,
        message=message,
        raw=raw[:_RAW_KEPT].decode("utf-8", errors="replace"),
    )


def _session_of(raw: bytes) -> str:
    """Best-effort session id of a rejected body, so the error lands beside its session."""
    try:
        data: Any = json.loads(raw)
    except (ValueError, RecursionError):
        return _UNKNOWN_SESSION
    candidates = [data]
    if isinstance(data, dict) and isinstance(data.get("payload"), dict):
        candidates.append(data["payload"])
    for candidate in candidates:
        if isinstance(candidate, dict):
            session = candidate.get("session_id")
            if isinstance(session, str) and 0 < len(session) <= 200:
                return session
    return _UNKNOWN_SESSION
