"""Reading request bodies with a hard size limit, enforced while the bytes arrive."""

from __future__ import annotations

from starlette.requests import Request

__all__ = ["BodyTooLargeError", "read_limited_body"]

# After the limit is hit the rest of the body is read and discarded (up to this many bytes)
# so that a client still uploading receives the 413 instead of a reset connection.
_DRAIN_LIMIT = 16 << 20
_KEPT_PREFIX = 4096


class BodyTooLargeError(Exception):
    """A request body is larger than the configured limit; `prefix` holds its first bytes."""

    def __init__(self, limit: int, prefix: bytes) -> None:
        super().__init__(f"request body exceeds {limit} bytes; send smaller events")
        self.limit = limit
        self.prefix = prefix


async def read_limited_body(request: Request, limit: int) -> bytes:
    """Return the body of `request`, raising `BodyTooLargeError` once it exceeds `limit` bytes.

    A declared `Content-Length` over the limit is refused before reading; chunked bodies (and
    bodies whose `Content-Length` lies) are counted as they stream in.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        await _drain(request, 0)
        raise BodyTooLargeError(limit, b"")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            prefix = b"".join(chunks)[:_KEPT_PREFIX] if chunks else chunk[:_KEPT_PREFIX]
            await _drain(request, size)
            raise BodyTooLargeError(limit, prefix)
        chunks.append(chunk)
    return b"".join(chunks)


async def _drain(request: Request, already: int) -> None:
    drained = already
    async for chunk in request.stream():
        drained += len(chunk)
        if drained > _DRAIN_LIMIT:
            return
