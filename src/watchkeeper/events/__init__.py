"""What happened: the record types every stage reads and writes."""

from watchkeeper.events._canonical import canonical_json
from watchkeeper.events._enums import Decision, EventKind, Severity
from watchkeeper.events._records import (
    SCHEMA_VERSION,
    AlertEvent,
    DeploymentEvent,
    ErrorEvent,
    Event,
    EventBase,
    Lifecycle,
    Message,
    ProcessEvent,
    Reasoning,
    ReviewEvent,
    ToolCall,
    ToolResult,
    VerdictEvent,
    event_adapter,
    new_id,
    parse_event,
)

__all__ = [
    "SCHEMA_VERSION",
    "AlertEvent",
    "Decision",
    "DeploymentEvent",
    "ErrorEvent",
    "Event",
    "EventBase",
    "EventKind",
    "Lifecycle",
    "Message",
    "ProcessEvent",
    "Reasoning",
    "ReviewEvent",
    "Severity",
    "ToolCall",
    "ToolResult",
    "VerdictEvent",
    "canonical_json",
    "event_adapter",
    "new_id",
    "parse_event",
]
