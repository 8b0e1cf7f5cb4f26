"""Turning recorded events into spans: when call spans end, and how alerts link to calls."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from watchkeeper.events import (
    AlertEvent,
    Decision,
    ReviewEvent,
    Severity,
    ToolCall,
    ToolResult,
    VerdictEvent,
)
from watchkeeper.observe import SessionIds, SpanWriter, session_trace_id


@dataclass
class Spans:
    """A writer over a real SDK tracer, and the spans it finished."""

    writer: SpanWriter
    exporter: InMemorySpanExporter

    def finished(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())


@pytest.fixture
def spans() -> Iterator[Spans]:
    """A span writer (result timeout 60 s, at most 3 open calls) exporting to memory."""
    exporter = InMemorySpanExporter()
    ids = SessionIds()
    provider = TracerProvider(id_generator=ids, shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    writer = SpanWriter(provider.get_tracer("test"), ids, result_timeout=60.0, max_open=3)
    yield Spans(writer, exporter)
    provider.shutdown()


def _decided(decision: Decision, tool_use_id: str | None = "tu-1") -> list[ToolCall | VerdictEvent]:
    call = ToolCall(session_id="s1", tool="Bash", args={"command": "x"}, tool_use_id=tool_use_id)
    verdict = VerdictEvent(session_id="s1", call_id=call.id, decision=decision, rule_ids=("r",))
    return [call, verdict]


def test_a_denied_call_ends_at_its_verdict(spans: Spans) -> None:
    """A denied call never runs, so its span ends when the verdict was given."""
    call, verdict = _decided(Decision.DENY)
    spans.writer.write([call, verdict])
    (span,) = spans.finished()
    assert span.end_time == int(verdict.ts.timestamp() * 1_000_000) * 1000
    assert "watchkeeper.result.missing" not in (span.attributes or {})


def test_an_allowed_call_waits_for_its_result(spans: Spans) -> None:
    """An allowed call's span is not finished before its result is recorded."""
    spans.writer.write(_decided(Decision.ALLOW))
    assert spans.finished() == []
    spans.writer.write([ToolResult(session_id="s1", tool="Bash", tool_use_id="tu-1", output=1)])
    (span,) = spans.finished()
    assert (span.attributes or {})["watchkeeper.result.size"] == 1


def test_a_call_without_tool_use_id_ends_at_once(spans: Spans) -> None:
    """A call whose result could never be matched does not wait for one."""
    spans.writer.write(_decided(Decision.ALLOW, tool_use_id=None))
    assert len(spans.finished()) == 1


def test_a_result_that_never_comes_is_marked_missing(spans: Spans) -> None:
    """Past the result timeout the span ends, marked as missing its result."""
    spans.writer.write(_decided(Decision.ASK))
    spans.writer.expire()
    assert spans.finished() == []
    spans.writer.expire(now_ns=2**62)
    (span,) = spans.finished()
    assert (span.attributes or {})["watchkeeper.result.missing"] is True


def test_closing_ends_every_open_span(spans: Spans) -> None:
    """On shutdown, calls still waiting for results are ended, not lost."""
    spans.writer.write(_decided(Decision.ALLOW, "a") + _decided(Decision.ALLOW, "b"))
    spans.writer.close()
    assert len(spans.finished()) == 2


def test_open_spans_are_bounded(spans: Spans) -> None:
    """Past `max_open` waiting calls, the oldest is ended as missing its result."""
    for index in range(4):
        spans.writer.write(_decided(Decision.ALLOW, f"tu-{index}"))
    (oldest,) = spans.finished()
    assert (oldest.attributes or {})["gen_ai.tool.call.id"] == "tu-0"


def test_an_alert_is_a_span_linked_to_the_call_it_cites(spans: Spans) -> None:
    """An alert becomes an `alert {category}` span in the session trace, linked to its call."""
    call, verdict = _decided(Decision.DENY)
    alert = AlertEvent(
        session_id="s1",
        monitor="probing",
        category="probing",
        severity=Severity.HIGH,
        score=0.8,
        evidence=(call.id,),
        explanation="secret detail",
    )
    spans.writer.write([call, verdict, alert])
    call_span, alert_span = spans.finished()
    assert alert_span.name == "alert probing"
    attributes = alert_span.attributes or {}
    assert attributes["watchkeeper.alert.severity"] == "high"
    assert "watchkeeper.alert.explanation" not in attributes
    assert call_span.context is not None
    assert alert_span.context is not None
    assert [link.context.span_id for link in alert_span.links] == [call_span.context.span_id]
    assert alert_span.context.trace_id == session_trace_id("local", "s1")


def test_a_result_without_its_call_is_still_a_span(spans: Spans) -> None:
    """A result whose call was not seen (e.g. recorded before a restart) is kept as a span."""
    spans.writer.write([ToolResult(session_id="s1", tool="Read", tool_use_id="x", output="")])
    (span,) = spans.finished()
    assert span.name == "execute_tool Read"
    assert (span.attributes or {})["watchkeeper.call.missing"] is True


def _review(call_id: str, decision: Decision, action: str) -> list[ReviewEvent | VerdictEvent]:
    review = ReviewEvent(
        session_id="s1", action=action, reviewer="ann", detail={"call_id": call_id}
    )
    return [review, VerdictEvent(session_id="s1", call_id=call_id, decision=decision)]


def test_a_reviewer_denial_ends_the_held_call(spans: Spans) -> None:
    """A held ask denied by a reviewer ends there, with the review on the span."""
    call, verdict = _decided(Decision.ASK)
    spans.writer.write([call, verdict])
    spans.writer.write(_review(call.id, Decision.DENY, "deny"))
    (span,) = spans.finished()
    attributes = span.attributes or {}
    assert attributes["watchkeeper.decision"] == "ask"
    assert attributes["watchkeeper.review.decision"] == "deny"
    assert attributes["watchkeeper.review.action"] == "deny"
    assert [event.name for event in span.events] == ["watchkeeper.review"]


def test_an_approved_call_waits_on_for_its_result(spans: Spans) -> None:
    """A held ask that is approved keeps waiting for the tool's result."""
    call, verdict = _decided(Decision.ASK)
    spans.writer.write([call, verdict])
    spans.writer.write(_review(call.id, Decision.ALLOW, "approve"))
    assert spans.finished() == []
    spans.writer.write([ToolResult(session_id="s1", tool="Bash", tool_use_id="tu-1")])
    (span,) = spans.finished()
    assert (span.attributes or {})["watchkeeper.review.decision"] == "allow"
