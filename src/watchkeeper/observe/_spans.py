"""Recorded ledger events → OpenTelemetry spans, following the GenAI semantic conventions.

A tool call is an ``execute_tool {tool}`` span in its session's trace. It starts when the
call was received and carries the verdict (`watchkeeper.decision`, `watchkeeper.rule_ids`).
A denied call, or one whose result can never be matched (no tool use id), ends at the
verdict; any other call's span stays open until its `tool_result` is recorded — the span
then covers the tool's run — or until `result_timeout` passes (then
`watchkeeper.result.missing` is true). A reviewer's later decision on a held `ask` is added
to the open span (`watchkeeper.review.*`), and a denial ends it. An alert is a zero-length
``alert {category}`` span in the same trace, linked to the spans of the calls it cites.

Arguments and results are exported as sizes and SHA-256 hashes of their canonical JSON;
with `content`, their JSON and the explanations are exported too.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanContext, SpanKind, Status, StatusCode, Tracer
from opentelemetry.util.types import AttributeValue

from watchkeeper.events import (
    AlertEvent,
    Decision,
    Event,
    ReviewEvent,
    ToolCall,
    ToolResult,
    VerdictEvent,
    canonical_json,
)
from watchkeeper.observe._trace_ids import SessionIds, session_trace_id

__all__ = ["SpanWriter"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_REMEMBERED = 10000
_TOOL = "execute_tool"

_Key = tuple[str, str, str]


@dataclass(slots=True)
class _Open:
    """A call span waiting for its result."""

    span: Span
    opened_ns: int
    call_id: str


class SpanWriter:
    """Writes spans for recorded events on `tracer` (whose provider uses `ids`).

    Not thread-safe: one thread calls `write`, `expire` and `close`. At most `max_open`
    call spans wait for their results; past that the oldest is ended as missing its result.
    """

    def __init__(
        self,
        tracer: Tracer,
        ids: SessionIds,
        *,
        content: bool = False,
        result_timeout: float = 300.0,
        max_open: int = 10000,
    ) -> None:
        self._tracer = tracer
        self._ids = ids
        self._content = content
        self._timeout_ns = int(result_timeout * 1e9)
        self._max_open = max_open
        self._open: OrderedDict[_Key, _Open] = OrderedDict()
        self._open_calls: dict[str, _Key] = {}
        self._calls: OrderedDict[str, SpanContext] = OrderedDict()

    def write(self, events: Sequence[Event]) -> None:
        """Turn one recorded batch into spans (a call and its verdict arrive together)."""
        verdicts = {e.call_id: e for e in events if isinstance(e, VerdictEvent)}
        calls = {e.id for e in events if isinstance(e, ToolCall)}
        for event in events:
            if isinstance(event, ToolCall):
                self._call(event, verdicts.get(event.id))
            elif isinstance(event, ToolResult):
                self._result(event)
            elif isinstance(event, AlertEvent):
                self._alert(event)
            elif isinstance(event, VerdictEvent) and event.call_id not in calls:
                self._reviewed(event, _review_of(events, event.call_id))

    def expire(self, now_ns: int | None = None) -> None:
        """End call spans that have waited longer than the result timeout for their result."""
        now = time.time_ns() if now_ns is None else now_ns
        while self._open:
            key, waiting = next(iter(self._open.items()))
            if now - waiting.opened_ns < self._timeout_ns:
                return
            self._release(key)
            _end_missing(waiting.span, now)

    def close(self) -> None:
        """End every span still waiting for its result, as missing it."""
        now = time.time_ns()
        while self._open:
            span = self._release(next(iter(self._open)))
            if span is not None:
                _end_missing(span, now)

    def _call(self, call: ToolCall, verdict: VerdictEvent | None) -> None:
        attributes: dict[str, AttributeValue] = {
            "gen_ai.operation.name": _TOOL,
            "gen_ai.tool.name": call.tool,
            "gen_ai.tool.call.id": call.tool_use_id or call.id,
            "gen_ai.agent.id": call.deployment_id,
            "gen_ai.agent.name": call.deployment_id,
            "gen_ai.conversation.id": call.session_id,
            "watchkeeper.call.id": call.id,
            "watchkeeper.source": call.source,
        }
        if call.agent_id:
            attributes["watchkeeper.subagent.id"] = call.agent_id
        attributes.update(self._payload("gen_ai.tool.call.arguments", "args", call.args))
        if verdict is not None:
            attributes["watchkeeper.decision"] = verdict.decision.value
            attributes["watchkeeper.rule_ids"] = list(verdict.rule_ids)
            attributes["watchkeeper.error_count"] = len(verdict.errors)
            if self._content:
                attributes["watchkeeper.explanation"] = verdict.explanation
        span = self._start(f"{_TOOL} {call.tool}", call, attributes)
        self._remember(call.id, span.get_span_context())
        waits = call.tool_use_id is not None and (
            verdict is None or verdict.decision is not Decision.DENY
        )
        if not waits:
            span.end(end_time=_ns(verdict.ts if verdict is not None else call.ts))
            return
        key = (call.deployment_id, call.session_id, call.tool_use_id or call.id)
        previous = self._release(key)
        if previous is not None:
            _end_missing(previous, _ns(call.ts))
        self._open[key] = _Open(span, time.time_ns(), call.id)
        self._open_calls[call.id] = key
        while len(self._open) > self._max_open:
            oldest = self._release(next(iter(self._open)))
            if oldest is not None:
                _end_missing(oldest, time.time_ns())

    def _reviewed(self, verdict: VerdictEvent, review: ReviewEvent | None) -> None:
        """A held call was decided again (by a reviewer or a timeout): note it on its span."""
        key = self._open_calls.get(verdict.call_id)
        if key is None:
            return
        span = self._open[key].span
        attributes: dict[str, AttributeValue] = {
            "watchkeeper.review.decision": verdict.decision.value
        }
        if review is not None:
            attributes["watchkeeper.review.action"] = review.action
        span.add_event("watchkeeper.review", attributes, timestamp=_ns(verdict.ts))
        span.set_attributes(attributes)
        if verdict.decision is Decision.DENY:
            self._release(key)
            span.end(end_time=_ns(verdict.ts))

    def _release(self, key: _Key) -> Span | None:
        """Stop waiting for the result of the call at `key`; return its span if it waited."""
        waiting = self._open.pop(key, None)
        if waiting is None:
            return None
        self._open_calls.pop(waiting.call_id, None)
        return waiting.span

    def _result(self, result: ToolResult) -> None:
        span = None
        if result.tool_use_id is not None:
            span = self._release((result.deployment_id, result.session_id, result.tool_use_id))
        if span is None:
            attributes: dict[str, AttributeValue] = {
                "gen_ai.operation.name": _TOOL,
                "gen_ai.tool.name": result.tool or "unknown",
                "gen_ai.agent.id": result.deployment_id,
                "gen_ai.agent.name": result.deployment_id,
                "gen_ai.conversation.id": result.session_id,
                "watchkeeper.call.missing": True,
            }
            if result.tool_use_id is not None:
                attributes["gen_ai.tool.call.id"] = result.tool_use_id
            span = self._start(f"{_TOOL} {result.tool or 'unknown'}", result, attributes)
        span.set_attributes(self._payload("gen_ai.tool.call.result", "result", result.output))
        span.set_attribute("watchkeeper.result.is_error", result.is_error)
        if result.is_error:
            span.set_status(Status(StatusCode.ERROR, "the tool reported an error"))
            span.set_attribute("error.type", "tool_error")
        span.end(end_time=_ns(result.ts))

    def _alert(self, alert: AlertEvent) -> None:
        attributes: dict[str, AttributeValue] = {
            "gen_ai.agent.id": alert.deployment_id,
            "gen_ai.agent.name": alert.deployment_id,
            "gen_ai.conversation.id": alert.session_id,
            "watchkeeper.alert.id": alert.id,
            "watchkeeper.alert.monitor": alert.monitor,
            "watchkeeper.alert.category": alert.category,
            "watchkeeper.alert.severity": alert.severity.value,
            "watchkeeper.alert.score": alert.score,
        }
        if self._content:
            attributes["watchkeeper.alert.explanation"] = alert.explanation
        links = [Link(self._calls[e]) for e in alert.evidence if e in self._calls]
        span = self._start(f"alert {alert.category}", alert, attributes, links)
        span.end(end_time=_ns(alert.ts))

    def _start(
        self,
        name: str,
        event: Event,
        attributes: dict[str, AttributeValue],
        links: Sequence[Link] = (),
    ) -> Span:
        self._ids.trace_id = session_trace_id(event.deployment_id, event.session_id)
        try:
            return self._tracer.start_span(
                name,
                context=Context(),
                kind=SpanKind.INTERNAL,
                attributes=attributes,
                links=links,
                start_time=_ns(event.ts),
            )
        finally:
            self._ids.trace_id = None

    def _remember(self, call_id: str, context: SpanContext) -> None:
        self._calls[call_id] = context
        while len(self._calls) > _REMEMBERED:
            self._calls.popitem(last=False)

    def _payload(self, content_key: str, name: str, value: Any) -> dict[str, AttributeValue]:
        try:
            data = canonical_json(value)
        except (TypeError, ValueError):
            data = repr(value).encode("utf-8", "replace")
        out: dict[str, AttributeValue] = {
            f"watchkeeper.{name}.size": len(data),
            f"watchkeeper.{name}.sha256": hashlib.sha256(data).hexdigest(),
        }
        if self._content:
            out[content_key] = data.decode("utf-8", "replace")
        return out


def _review_of(events: Sequence[Event], call_id: str) -> ReviewEvent | None:
    for event in events:
        if isinstance(event, ReviewEvent) and event.detail.get("call_id") == call_id:
            return event
    return None


def _ns(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND * 1000


def _end_missing(span: Span, now_ns: int) -> None:
    span.set_attribute("watchkeeper.result.missing", True)
    span.end(end_time=now_ns)
