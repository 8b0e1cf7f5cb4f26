"""What one published message is: an event, its ledger sequence number, its dedupe id."""

from __future__ import annotations

import json
from dataclasses import dataclass

from watchkeeper.events import Event, parse_event

__all__ = ["MSG_ID_HEADER", "SEQ_HEADER", "MessageError", "Published", "decode", "encode"]

#: JetStream drops a second message with the same id inside the stream's duplicate window.
MSG_ID_HEADER = "Nats-Msg-Id"
#: The event's sequence number in the ledger it was read from.
SEQ_HEADER = "Wk-Seq"


class MessageError(ValueError):
    """A message on the events subject is not a watchkeeper event; it is set aside."""


@dataclass(frozen=True, slots=True)
class Published:
    """An event as a worker receives it, with its place in the ledger."""

    seq: int
    event: Event


def encode(seq: int, event: Event) -> tuple[bytes, dict[str, str]]:
    """Return the body and headers that publish `event` (at ledger `seq`)."""
    return event.canonical(), {MSG_ID_HEADER: event.id, SEQ_HEADER: str(seq)}


def decode(body: bytes, headers: dict[str, str] | None) -> Published:
    """Parse a message back into its event; raise `MessageError` when it is not one."""
    raw_seq = (headers or {}).get(SEQ_HEADER, "")
    if not raw_seq.isdigit():
        raise MessageError(f"message has no `{SEQ_HEADER}` header (got `{raw_seq[:40]}`)")
    try:
        event = parse_event(json.loads(body))
    except ValueError as exc:
        first = str(exc).splitlines()[0][:200]
        raise MessageError(f"message body is not a watchkeeper event: `{first}`") from exc
    return Published(int(raw_seq), event)
