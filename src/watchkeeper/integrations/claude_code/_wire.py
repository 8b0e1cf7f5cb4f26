"""JSON and one HTTP POST for the hook process, on the C accelerators of the standard library.

The hook runs on every Claude Code event, so its start-up time is paid on every tool call.
`json` and `socket` pull in `re`, `enum` and friends (about 20 ms on a small machine, measured
with ``python -X importtime``); `_json` and `_socket`, which they wrap, cost under 2 ms. This
module uses those directly and falls back to the public modules where they are missing.
HTTPS is rare for a local gateway and goes through `http.client` (imported only then).
"""

from __future__ import annotations

import time

TYPE_CHECKING = False  # `typing` costs ~20 ms of start-up; annotations are strings
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "HOLD_MARGIN",
    "GatewayError",
    "GatewayReplyError",
    "GatewayTimeoutError",
    "GatewayUnreachableError",
    "dumps",
    "loads",
    "post_json",
]

#: Seconds waited past a gateway's announced hold, for the reply to arrive.
HOLD_MARGIN = 10.0

try:
    import _json as _cjson  # the C half of `json`, without its `re` import

    _cjson.make_scanner  # noqa: B018 - probe that this interpreter has the C scanner
except (ImportError, AttributeError):  # pragma: no cover - PyPy and friends
    _cjson = None  # type: ignore[assignment]  # checked before use


class GatewayError(Exception):
    """The gateway could not be reached or did not answer properly; the message says how."""


class GatewayUnreachableError(GatewayError):
    """No connection to the gateway (refused, no such socket, bad address)."""


class GatewayTimeoutError(GatewayError):
    """The gateway did not answer within the allowed time."""


class GatewayReplyError(GatewayError):
    """The gateway answered with an HTTP error or with something that is not the expected JSON."""


class _ScanContext:
    """The attributes `_json.make_scanner` reads, as `json.JSONDecoder` would set them."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict[str, str]

    def __init__(self) -> None:
        self.memo = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return float(name.replace("Infinity", "inf"))


def loads(text: str) -> Any:
    """Parse one JSON document (raises `ValueError` on anything else)."""
    if _cjson is None:  # pragma: no cover - interpreters without the C scanner
        import json

        return json.loads(text)
    text = text.strip(" \t\r\n")
    try:
        scanner = _cjson.make_scanner(_ScanContext())  # type: ignore[arg-type]  # typeshed names the scanner as its own context type
        value, end = scanner(text, 0)
    except StopIteration as exc:
        raise ValueError(f"not JSON at character {exc.value}") from None
    except SystemError:
        # The C scanner reports some errors through `json.decoder`, found only if already
        # imported; on this (error-only) path, let `json` produce the proper ValueError.
        import json

        return json.loads(text)
    if end != len(text):
        raise ValueError(f"extra data after JSON at character {end}")
    return value


def _not_serialisable(value: Any) -> Any:
    raise TypeError(f"`{type(value).__name__}` is not JSON serialisable")


def dumps(value: Any) -> str:
    """Serialise `value` as compact ASCII JSON (raises `TypeError`/`ValueError` if it cannot)."""
    if _cjson is None:  # pragma: no cover - interpreters without the C encoder
        import json

        return json.dumps(value, separators=(",", ":"), allow_nan=False)
    encoder = _cjson.make_encoder(
        {}, _not_serialisable, _cjson.encode_basestring_ascii, None, ":", ",", False, False, False
    )
    return "".join(encoder(value, 0))


def _connect(url: str, timeout: float) -> tuple[Any, str, str]:
    """Open a socket to `url` and return it with the Host header and the path prefix."""
    import _socket

    if url.startswith("unix://"):
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(url[len("unix://") :])
        except BaseException:
            sock.close()
            raise
        return sock, "localhost", ""
    rest = url[len("http://") :]
    authority, _, path = rest.partition("/")
    host, port = authority, 80
    if authority.startswith("["):
        host, _, tail = authority[1:].partition("]")
        if tail.startswith(":"):
            port = int(tail[1:])
    elif ":" in authority:
        host, _, port_text = authority.rpartition(":")
        port = int(port_text)
    prefix = "/" + path.strip("/") if path.strip("/") else ""
    literal = _ip_literal(host)
    if literal is not None:  # the usual case; getaddrinfo would load NSS (~8 ms)
        sock = _socket.socket(literal, _socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((host, port))
        except BaseException:
            sock.close()
            raise
        return sock, authority, prefix
    last: OSError | None = None
    # An ASCII host passed as bytes skips the IDNA codec, which imports `re` (~15 ms).
    lookup: str | bytes = host.encode("ascii") if host.isascii() else host
    for family, kind, proto, _name, address in _socket.getaddrinfo(
        lookup, port, 0, _socket.SOCK_STREAM
    ):
        sock = _socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            last = exc
            continue
        return sock, authority, prefix
    raise last if last is not None else OSError(f"no address for `{host}`")


def _ip_literal(host: str) -> int | None:
    """Return the address family of an IP address literal, or None for a host name."""
    import _socket

    for family in (_socket.AF_INET, _socket.AF_INET6):
        try:
            _socket.inet_pton(family, host)
        except OSError:
            continue
        return family
    return None


def _read_response(sock: Any, deadline: float, hold_cap: float = 0.0) -> tuple[int, bytes]:
    chunks: list[bytes] = []
    extended = hold_cap <= 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("reply too slow")
        sock.settimeout(remaining)
        data = sock.recv(65536)
        if not data:
            break
        chunks.append(data)
        raw = b"".join(chunks)
        head, sep, body = raw.partition(b"\r\n\r\n")
        if sep and not extended:
            extended = True
            hold = _header_number(head, b"x-watchkeeper-hold")
            if hold is not None:
                deadline = max(deadline, time.monotonic() + min(hold, hold_cap) + HOLD_MARGIN)
        if sep:
            length = _content_length(head)
            if length is not None and len(body) >= length:
                break
    if time.monotonic() > deadline:
        raise TimeoutError("reply too slow")
    raw = b"".join(chunks)
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise GatewayReplyError("the connection closed before a complete reply")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise GatewayReplyError("malformed HTTP status line")
    length = _content_length(head)
    if length is not None:
        body = body[:length]
    elif b"transfer-encoding: chunked" in head.lower():
        body = _dechunk(body)
    return int(status_line[1]), body


def _content_length(head: bytes) -> int | None:
    return _header_number(head, b"content-length")


def _header_number(head: bytes, wanted: bytes) -> int | None:
    """The value of header `wanted` (lower case) when it is a whole number, else None."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == wanted and value.strip().isdigit():
            return int(value.strip())
    return None


def _dechunk(body: bytes) -> bytes:
    out: list[bytes] = []
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out.append(body[:size])
        body = body[size + 2 :]
    return b"".join(out)


def _post_https(url: str, path: str, body: bytes, headers: dict[str, str], timeout: float) -> Any:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPSConnection(parts.netloc, timeout=timeout)
    try:
        conn.request("POST", parts.path.rstrip("/") + path, body=body, headers=headers)
        reply = conn.getresponse()
        return reply.status, reply.read()
    finally:
        conn.close()


def post_json(
    url: str, path: str, data: bytes, *, token: str | None, timeout: float, hold_cap: float = 0.0
) -> Any:
    """POST the JSON document `data` to `url` + `path` and return the parsed JSON reply.

    `url` is ``http://host:port``, ``https://…`` or ``unix:///path/to/socket``. Raises
    `GatewayUnreachableError` when no connection can be made, `GatewayTimeoutError` past
    `timeout` seconds and `GatewayReplyError` for an HTTP error status or a reply that is
    not JSON. When the reply's head says the gateway holds the call for a reviewer
    (``X-Watchkeeper-Hold: SECONDS``), the wait is extended to that many seconds, at most
    `hold_cap`, plus `HOLD_MARGIN` (plain HTTP and unix sockets only).
    """
    deadline = time.monotonic() + timeout
    headers = {"Content-Type": "application/json", "Content-Length": str(len(data))}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        if url.startswith("https://"):
            status, reply = _post_https(url, path, data, headers, timeout)
            if time.monotonic() > deadline:
                raise TimeoutError("reply too slow")
        elif url.startswith(("http://", "unix://")):
            sock, host, prefix = _connect(url, timeout)
            try:
                head = f"POST {prefix}{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                sock.sendall(head.encode("latin-1") + b"\r\n" + data)
                status, reply = _read_response(sock, deadline, hold_cap)
            finally:
                sock.close()
        else:
            raise GatewayUnreachableError("the url must start with http://, https:// or unix://")
    except TimeoutError as exc:
        raise GatewayTimeoutError(f"no reply within {timeout:g} s") from exc
    except (ConnectionResetError, BrokenPipeError) as exc:
        raise GatewayReplyError(f"connection dropped: {exc}") from exc
    except OSError as exc:
        raise GatewayUnreachableError(f"{type(exc).__name__}: {exc}") from exc
    except ValueError as exc:
        raise GatewayUnreachableError(f"bad address or reply: {exc}") from exc
    if status != 200:
        raise GatewayReplyError(f"HTTP {status}")
    try:
        return loads(reply.decode("utf-8"))
    except ValueError as exc:
        raise GatewayReplyError(f"reply is not JSON: {exc}") from exc
