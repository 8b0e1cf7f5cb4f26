"""The record types: a versioned, discriminated union of small pydantic models.

Every record carries an id, a UTC timestamp, the deployment and session it belongs to and a
`kind` tag. The per-ledger sequence number and hash live in the ledger's envelope, not here:
an event is what happened; its place in the ledger is assigned when it is recorded.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from watchkeeper.clock import utcnow
from watchkeeper.events._canonical import canonical_json
from watchkeeper.events._enums import Decision, Severity

__all__ = [
    "SCHEMA_VERSION",
    "AlertEvent",
    "DeploymentEvent",
    "ErrorEvent",
    "Event",
    "EventBase",
    "Lifecycle",
    "Message",
    "ProcessEvent",
    "Reasoning",
    "ReviewEvent",
    "ToolCall",
    "ToolResult",
    "VerdictEvent",
    "event_adapter",
    "new_id",
    "parse_event",
]

SCHEMA_VERSION: Literal[1] = 1


def new_id() -> str:
    """Return a fresh random event id (32 hex characters)."""
    return uuid.uuid4().hex


class EventBase(BaseModel):
    """Fields every record has."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str = Field(default_factory=new_id, min_length=1, max_length=128)
    ts: AwareDatetime = Field(default_factory=utcnow)
    deployment_id: str = Field(default="local", min_length=1, max_length=200)
    session_id: str = Field(min_length=1, max_length=200)

    def canonical(self) -> bytes:
        """Return the canonical JSON bytes of this record."""
        return canonical_json(self.model_dump(mode="json"))


class ToolCall(EventBase):
    """An agent asked to run a tool; recorded before it runs."""

    kind: Literal["tool_call"] = "tool_call"
    tool: str = Field(min_length=1, max_length=500)
    args: dict[str, Any] = Field(default_factory=dict)
    tool_use_id: str | None = None
    cwd: str | None = None
    agent_id: str | None = None
    source: str = "api"


class ToolResult(EventBase):
    """What a tool returned."""

    kind: Literal["tool_result"] = "tool_result"
    tool: str | None = None
    tool_use_id: str | None = None
    output: Any = None
    is_error: bool = False
    agent_id: str | None = None


class Reasoning(EventBase):
    """A block of the agent's reasoning (thinking) text."""

    kind: Literal["reasoning"] = "reasoning"
    text: str
    source_ref: str | None = None


class Message(EventBase):
    """A user or assistant message."""

    kind: Literal["message"] = "message"
    role: Literal["user", "assistant", "system"]
    text: str
    source_ref: str | None = None


class VerdictEvent(EventBase):
    """The gateway's decision on one tool call, with its reasons."""

    kind: Literal["verdict"] = "verdict"
    call_id: str
    decision: Decision
    rule_ids: tuple[str, ...] = ()
    explanation: str = ""
    agent_message: str = ""
    errors: tuple[str, ...] = ()


class Lifecycle(EventBase):
    """A session or agent lifecycle moment (start, stop, prompt, compaction…)."""

    kind: Literal["lifecycle"] = "lifecycle"
    phase: str
    detail: dict[str, Any] = Field(default_factory=dict)


class ErrorEvent(EventBase):
    """Input that could not be processed; kept so that nothing is dropped silently."""

    kind: Literal["error"] = "error"
    where: str
    message: str
    raw: str | None = None


class AlertEvent(EventBase):
    """A monitor's finding that a person should look at.

    `dedupe_key` identifies the alert across repeats (one open alert per session and
    category); `evidence` lists the ids of the events that support it.
    """

    kind: Literal["alert"] = "alert"
    monitor: str
    category: str
    severity: Severity
    score: float = Field(ge=0.0, le=1.0)
    evidence: tuple[str, ...] = ()
    explanation: str = ""
    dedupe_key: str = ""


class ProcessEvent(EventBase):
    """A process in a supervised agent's tree started or exited.

    `phase` is ``start`` or ``exit``; `argv` is what the kernel reports (``/proc/PID/cmdline``),
    so a renamed ``argv[0]`` is visible beside the real `exe`. `exit_code` is set on exit when
    known, `signal` when the process was killed by one.
    """

    kind: Literal["process"] = "process"
    phase: Literal["start", "exit"]
    pid: int = Field(ge=0)
    ppid: int | None = None
    argv: tuple[str, ...] = ()
    exe: str | None = None
    cwd: str | None = None
    uid: int | None = None
    start_time: float | None = None
    exit_code: int | None = None
    signal: int | None = None


class DeploymentEvent(EventBase):
    """A change to an authorised deployment, or something done to it.

    `action` is one of ``register``, ``suspend``, ``resume``, ``revoke``, ``expire``,
    ``supervise``, ``heartbeat``, ``kill``, ``contained`` or ``sweep``; `actor` names who did it
    (a user, ``cli``, ``gateway``, ``supervisor``); `detail` holds the action's facts (never a
    token, only its shown prefix).
    """

    kind: Literal["deployment"] = "deployment"
    action: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    actor: str = ""
    detail: dict[str, Any] = Field(default_factory=dict)


class ReviewEvent(EventBase):
    """Something a person did in review, or the review system did for them.

    `action` is one of ``approve``, ``deny``, ``timeout`` (an approval nobody answered in
    time), ``withdraw`` (an approval whose call the agent's client cancelled while it waited),
    ``grant`` (a scoped, expiring allow made while approving), ``acknowledge``,
    ``confirm``, ``dismiss``, ``assign``, ``reopen`` (alert triage), ``suspend``, ``resume``,
    ``revoke``, ``kill`` (deployment actions from the UI), ``login``, ``login_failed``,
    ``logout``, ``user_add``, ``user_disable``, ``policy_change`` (the policy file edited in
    the UI; `detail` has both versions' SHA-256 and the diff), ``policy_change_failed`` (the
    recorded change could not be written). `reviewer` is the account name (``system`` for
    timeouts and withdrawals); `target` names what was acted on (``approval:ID``,
    ``alert:ID``, ``deployment:NAME``, ``user:NAME``); `reason` is the reviewer's own words;
    `detail` holds the action's facts (never a password or a token). Reviews outside any
    agent session use session id ``review``.
    """

    kind: Literal["review"] = "review"
    action: str = Field(min_length=1, max_length=64)
    reviewer: str = Field(min_length=1, max_length=200)
    target: str = Field(default="", max_length=400)
    reason: str = Field(default="", max_length=4000)
    detail: dict[str, Any] = Field(default_factory=dict)


Event = Annotated[
    ToolCall
    | ToolResult
    | Reasoning
    | Message
    | VerdictEvent
    | Lifecycle
    | ErrorEvent
    | AlertEvent
    | ProcessEvent
    | DeploymentEvent
    | ReviewEvent,
    Field(discriminator="kind"),
]

event_adapter: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: Any) -> Event:
    """Validate a JSON-like mapping into its record type (raises `pydantic.ValidationError`)."""
    return event_adapter.validate_python(data)
