"""Request and response bodies of the HTTP API (they also make up the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.events import Decision

__all__ = [
    "DecideRequest",
    "DecideResponse",
    "ErrorResponse",
    "EventsPage",
    "EventsRequest",
    "EventsResponse",
    "HealthResponse",
    "HookRequest",
    "HookResponse",
    "LedgerEntry",
    "RecordedEvent",
    "SessionSummary",
    "SessionsResponse",
    "WithdrawRequest",
    "WithdrawResponse",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecideRequest(_Strict):
    """One tool call an agent wants to make; the deployment comes from the token."""

    session_id: str = Field(min_length=1, max_length=200)
    tool: str = Field(min_length=1, max_length=500)
    args: dict[str, Any] = Field(default_factory=dict)
    tool_use_id: str | None = None
    cwd: str | None = None
    agent_id: str | None = None
    source: str = "api"
    wait: bool = Field(
        default=False,
        description="when the verdict is `ask` and the gateway holds asks for review, wait "
        "for the reviewer's allow or deny instead of returning `ask` with an `approval_id`",
    )


class DecideResponse(BaseModel):
    """The verdict on one call; `call_id` is the recorded call's id (null if none was parsed)."""

    decision: Decision
    rule_ids: list[str]
    explanation: str
    agent_message: str
    errors: list[str]
    call_id: str | None
    error: str | None = Field(default=None, description="set when the request was rejected")
    approval_id: str | None = Field(
        default=None,
        description="set when the call is held for a reviewer; wait on it with "
        "`POST /v1/approvals/{approval_id}/wait`",
    )


class EventsRequest(_Strict):
    """Events to record: `kind` plus that record's fields; `id`, `ts` are optional and any
    `deployment_id` is replaced by the token's. `verdict` events are issued only by the gateway.
    """

    events: list[dict[str, Any]] = Field(max_length=10_000)


class RecordedEvent(BaseModel):
    """Where one event landed in the ledger."""

    id: str
    seq: int


class EventsResponse(BaseModel):
    """The ledger positions of the recorded events, in request order."""

    recorded: list[RecordedEvent]


class HookRequest(_Strict):
    """A Claude Code hook invocation forwarded by `watchkeeper hook claude-code`."""

    payload: dict[str, Any]
    transcript_lines: list[str] = Field(default_factory=list)


class HookResponse(BaseModel):
    """What the hook prints (a JSON object, or nothing) and its exit code."""

    stdout: dict[str, Any] | None
    exit_code: int


class SessionSummary(BaseModel):
    """One session as recorded in the ledger."""

    session_id: str
    deployment_id: str
    first_ts: datetime
    last_ts: datetime
    counts: dict[str, int] = Field(description="number of events by kind")
    denied: int


class SessionsResponse(BaseModel):
    """Every session the caller may see, most recently active first."""

    sessions: list[SessionSummary]


class LedgerEntry(BaseModel):
    """One recorded event and its sequence number."""

    seq: int
    event: dict[str, Any]


class EventsPage(BaseModel):
    """A page of a session's events; pass `next_after_seq` as `after_seq` for the next page."""

    events: list[LedgerEntry]
    next_after_seq: int | None


class HealthResponse(BaseModel):
    """Liveness, the newest ledger record's sequence number (0 when empty) and any trouble.

    `ok` is liveness: the gateway answers and records. `status` is ``degraded`` while it
    records but something an assessor relies on is missing (e.g. checkpoints unsigned);
    `problems` then says what, one line each.
    """

    ok: bool
    head_seq: int
    status: str = "ok"
    problems: list[str] = Field(default_factory=list)


class WithdrawRequest(_Strict):
    """A held call the agent's client cancelled: it will never run, so nobody should decide it."""

    session_id: str = Field(min_length=1, max_length=200)
    tool_use_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(default="the client cancelled the call", max_length=1000)


class WithdrawResponse(BaseModel):
    """Whether an approval waiting on that call was withdrawn (false: none was waiting)."""

    withdrawn: bool
    approval_id: str | None = None


class ErrorResponse(BaseModel):
    """Every rejected request: one line saying what was wrong and what to do."""

    error: str
