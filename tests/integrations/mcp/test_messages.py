"""JSON-RPC parsing: kinds, and one-line errors for everything else."""

from __future__ import annotations

import pytest

from watchkeeper.integrations.mcp import MessageError, parse_message


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}', "request"),
        (b'{"jsonrpc":"2.0","method":"notifications/initialized"}', "notification"),
        (b'{"jsonrpc":"2.0","id":"a","result":{}}', "response"),
        (b'{"jsonrpc":"2.0","id":null,"error":{"code":-1,"message":"x"}}', "response"),
    ],
)
def test_messages_are_classified(raw: bytes, kind: str) -> None:
    """Requests have an id and a method, notifications a method only, responses a result/error."""
    assert parse_message(raw).kind == kind


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{oops", "not JSON"),
        (b"[]", "batches"),
        (b'"text"', "object"),
        (b'{"id":1,"method":"x"}', "jsonrpc"),
        (b'{"jsonrpc":"2.0","id":1}', "method"),
        (b'{"jsonrpc":"2.0","id":{},"method":"x"}', "id"),
        (b'{"jsonrpc":"2.0","id":1,"method":""}', "method"),
        (b'{"jsonrpc":"2.0","id":1,"method":"x","params":3}', "params"),
    ],
)
def test_invalid_messages_are_refused_with_a_reason(raw: bytes, reason: str) -> None:
    """Each kind of malformed input is a MessageError whose one-line text says what is wrong."""
    with pytest.raises(MessageError, match=reason) as caught:
        parse_message(raw)
    assert "\n" not in str(caught.value)
