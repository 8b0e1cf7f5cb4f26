"""Request size limits and malformed input: refused, failed closed, and recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator

from watchkeeper.events import ErrorEvent, ToolCall
from watchkeeper.gateway import Pipeline

from .conftest import Served

_LIMIT_ERROR = "request body exceeds 1048576 bytes; send smaller events"


def _errors(pipeline: Pipeline) -> list[ErrorEvent]:
    return [e for _s, e in pipeline.store.events() if isinstance(e, ErrorEvent)]


def _big_call(size: int) -> bytes:
    call = {"session_id": "s1", "tool": "Bash", "args": {"command": "echo " + "a" * size}}
    return json.dumps(call).encode()


def test_body_over_limit_with_content_length_is_413(served: Served, pipeline: Pipeline) -> None:
    """A declared body over 1 MiB is refused with 413 and nothing is decided."""
    with served.client() as client:
        reply = client.post(
            "/v1/decide", content=_big_call(2 << 20), headers={"content-type": "application/json"}
        )
    assert reply.status_code == 413
    assert reply.json() == {"error": _LIMIT_ERROR}
    assert not any(isinstance(e, ToolCall) for _s, e in pipeline.store.events())
    assert [e.where for e in _errors(pipeline)] == ["gateway.decide"]


def test_chunked_body_over_limit_is_413(served: Served, pipeline: Pipeline) -> None:
    """A chunked body (no Content-Length) is cut off once it passes the limit."""
    body = _big_call(2 << 20)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 64 << 10):
            yield body[start : start + (64 << 10)]

    with served.client() as client:
        reply = client.post("/v1/decide", content=chunks())
    assert reply.request.headers.get("transfer-encoding") == "chunked"
    assert reply.status_code == 413
    assert reply.json() == {"error": _LIMIT_ERROR}
    [error] = _errors(pipeline)
    assert error.raw is not None
    assert error.raw.startswith('{"session_id": "s1"')
    assert error.session_id == "unknown"


def test_body_just_under_limit_is_decided(served: Served) -> None:
    """A body just under the limit is decided normally."""
    body = _big_call((1 << 20) - 200)
    assert len(body) < 1 << 20
    with served.client() as client:
        reply = client.post("/v1/decide", content=body)
    assert reply.status_code == 200
    assert reply.json()["decision"] == "allow"


def test_malformed_json_is_400_deny_and_recorded(served: Served, pipeline: Pipeline) -> None:
    """Broken JSON gets a deny verdict with status 400, and the input is kept as an error."""
    with served.client() as client:
        reply = client.post("/v1/decide", content=b'{"session_id": "s1", "tool": ')
    assert reply.status_code == 400
    body = reply.json()
    assert body["decision"] == "deny"
    assert body["call_id"] is None
    assert "not valid JSON" in body["error"]
    [error] = _errors(pipeline)
    assert error.raw == '{"session_id": "s1", "tool": '
    assert error.where == "gateway.decide"


def test_schema_error_is_400_deny_and_recorded(served: Served, pipeline: Pipeline) -> None:
    """A call without a tool name is denied with the field named, and recorded."""
    with served.client() as client:
        reply = client.post("/v1/decide", json={"session_id": "s7", "args": {}})
    assert reply.status_code == 400
    assert reply.json()["decision"] == "deny"
    assert "`tool`" in reply.json()["error"]
    [error] = _errors(pipeline)
    assert error.session_id == "s7"


def test_malformed_events_are_400_and_recorded(served: Served, pipeline: Pipeline) -> None:
    """Broken JSON on /v1/events is refused with 400 and kept as an error event."""
    with served.client() as client:
        reply = client.post("/v1/events", content=b"[not json")
    assert reply.status_code == 400
    assert "not valid JSON" in reply.json()["error"]
    assert [e.raw for e in _errors(pipeline)] == ["[not json"]


def test_invalid_event_is_422_naming_its_index(served: Served, pipeline: Pipeline) -> None:
    """An event that fails validation is refused, naming which one, and nothing is stored."""
    good = {"kind": "message", "session_id": "s1", "role": "user", "text": "hi"}
    bad = {"kind": "message", "session_id": "s1", "role": "robot", "text": "hi"}
    with served.client() as client:
        reply = client.post("/v1/events", json={"events": [good, bad]})
    assert reply.status_code == 422
    assert reply.json()["error"].startswith("event `1`")
    assert [e.kind for _s, e in pipeline.store.events()] == ["error"]


def test_closed_ledger_denies_over_http(served: Served, pipeline: Pipeline) -> None:
    """With the ledger gone, a call the policy allows is denied as unrecordable."""
    pipeline.close()
    with served.client() as client:
        call = {"session_id": "s1", "tool": "Bash", "args": {"command": "echo hi"}}
        reply = client.post("/v1/decide", json=call)
    assert reply.status_code == 200
    body = reply.json()
    assert body["decision"] == "deny"
    assert "could not record" in body["explanation"]


def test_events_with_ledger_closed_are_503(served: Served, pipeline: Pipeline) -> None:
    """Events that cannot be recorded are refused with 503, never acknowledged."""
    pipeline.close()
    event = {"kind": "message", "session_id": "s1", "role": "user", "text": "hi"}
    with served.client() as client:
        reply = client.post("/v1/events", json={"events": [event]})
    assert reply.status_code == 503
    assert "retry later" in reply.json()["error"]
