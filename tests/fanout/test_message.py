"""Messages: an event, its ledger sequence number, and its id as the JetStream dedupe id."""

from __future__ import annotations

import pytest

from watchkeeper.events import ToolCall
from watchkeeper.fanout import MessageError, decode, encode


def test_round_trip_keeps_event_and_seq() -> None:
    """Decoding an encoded event gives back the same event and sequence number."""
    call = ToolCall(session_id="s", tool="Bash", args={"command": "ls"})
    body, headers = encode(7, call)
    published = decode(body, headers)
    assert (published.seq, published.event) == (7, call)
    assert headers["Nats-Msg-Id"] == call.id


def test_message_without_seq_is_rejected() -> None:
    """A message lacking the sequence header is not taken for an event."""
    call = ToolCall(session_id="s", tool="Bash")
    with pytest.raises(MessageError, match="Wk-Seq"):
        decode(call.canonical(), {})


def test_body_that_is_not_an_event_is_rejected() -> None:
    """A body that is not a watchkeeper event raises `MessageError`."""
    with pytest.raises(MessageError, match="not a watchkeeper event"):
        decode(b'{"kind": "nope"}', {"Wk-Seq": "1"})
