"""Reading a request body once, bounded, and handing it on: the CSRF check must see a form
that the page's own handler then reads again."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message, Receive, Scope

__all__ = ["BodyTooLargeError", "FormError", "parse_form", "read_body", "replaying"]


class BodyTooLargeError(Exception):
    """The request body is larger than the limit."""


class FormError(Exception):
    """The request body is not a form that can be parsed."""


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """Return the whole request body; raise `BodyTooLargeError` past `limit` bytes."""
    declared = _content_length(scope)
    if declared is not None and declared > limit:
        raise BodyTooLargeError(f"request body of `{declared}` bytes is over {limit}")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(f"request body is over {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """Return a `receive` that yields `body` once, then defers to `receive` (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def parse_form(scope: Scope, body: bytes) -> Mapping[str, str]:
    """Return the text fields of the form in `body` (urlencoded or multipart)."""

    async def disconnected() -> Message:
        return {"type": "http.disconnect"}

    request = Request(scope, replaying(body, disconnected))
    try:
        async with request.form(max_files=0, max_fields=200) as form:
            return _text_fields(form)
    except Exception as exc:  # starlette raises several types for malformed bodies
        raise FormError(f"the form cannot be read ({type(exc).__name__})") from exc


def _text_fields(form: FormData) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str) and key not in fields:
            fields[key] = value
    return fields


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
