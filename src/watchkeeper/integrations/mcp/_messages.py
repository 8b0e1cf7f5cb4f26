"""JSON-RPC 2.0 messages as MCP carries them: parse one, classify it, build replies.

MCP's stdio transport is one JSON object per line; streamable HTTP carries the same objects
in request bodies and SSE `data:` fields. Everything here works on plain dicts so the
proxy forwards exactly the bytes' meaning it received, unknown fields included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import orjson

__all__ = [
    "INTERNAL_ERROR",
    "INVALID_REQUEST",
    "PARSE_ERROR",
    "Message",
    "MessageError",
    "error_reply",
    "parse_message",
    "tool_error_result",
]

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INTERNAL_ERROR = -32603

Kind = Literal["request", "notification", "response"]


class MessageError(ValueError):
    """Bytes that are not a single JSON-RPC 2.0 message; the text says why in one line."""


@dataclass(frozen=True, slots=True)
class Message:
    """One JSON-RPC message: its kind, id (requests and responses), method and the raw dict."""

    kind: Kind
    body: dict[str, Any]

    @property
    def id(self) -> Any:
        """The request id this message carries or answers (None for notifications)."""
        return self.body.get("id")

    @property
    def method(self) -> str:
        """The method of a request or notification ('' for responses)."""
        method = self.body.get("method")
        return method if isinstance(method, str) else ""

    @property
    def params(self) -> dict[str, Any]:
        """The params object of a request ({} when absent or not an object)."""
        params = self.body.get("params")
        return params if isinstance(params, dict) else {}

    @property
    def result(self) -> dict[str, Any] | None:
        """The result object of a successful response, else None."""
        result = self.body.get("result")
        return result if isinstance(result, dict) else None


def parse_message(raw: bytes | str) -> Message:
    """Parse one JSON-RPC 2.0 message; raise `MessageError` for anything else."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MessageError(f"not JSON: {exc}") from exc
    if isinstance(body, list):
        raise MessageError("JSON-RPC batches are not supported by MCP; send one message per line")
    if not isinstance(body, dict):
        raise MessageError(f"a JSON-RPC message is an object, not {type(body).__name__}")
    if body.get("jsonrpc") != "2.0":
        raise MessageError('a JSON-RPC message needs "jsonrpc": "2.0"')
    if "method" in body:
        if not isinstance(body["method"], str) or not body["method"]:
            raise MessageError('"method" must be a non-empty string')
        if "params" in body and not isinstance(body["params"], dict | list):
            raise MessageError('"params" must be an object or an array')
        kind: Kind = "request" if "id" in body else "notification"
    elif "result" in body or "error" in body:
        kind = "response"
    else:
        raise MessageError('a JSON-RPC message needs "method", "result" or "error"')
    if "id" in body and not isinstance(body["id"], str | int | None):
        raise MessageError('"id" must be a string, a number or null')
    return Message(kind=kind, body=body)


def error_reply(request_id: Any, code: int, message: str) -> dict[str, Any]:
    """Return a JSON-RPC error response to `request_id`."""
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


def tool_error_result(request_id: Any, text: str) -> dict[str, Any]:
    """Return a `tools/call` result the client shows as a failed tool call (not a hang)."""
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "result": {"content": [{"type": "text", "text": text}], "isError": True},
    }
