"""Recorded events exported as GenAI spans to a real OTLP/HTTP receiver."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from watchkeeper.events import ToolCall, ToolResult
from watchkeeper.observe import (
    GatewayMetrics,
    OtlpEndpointError,
    OtlpExport,
    session_trace_id,
    traces_url,
)

from ._receiver import otlp_receiver
from .conftest import observed_pipeline

_SECRET = "hunter2-very-secret"


def _bash(command: str, session: str = "s1", tool_use_id: str | None = None) -> ToolCall:
    return ToolCall(
        deployment_id="alpha",
        session_id=session,
        tool="Bash",
        args={"command": command},
        tool_use_id=tool_use_id,
    )


def test_tool_calls_become_execute_tool_spans_with_the_verdict(home: Path) -> None:
    """Each decided call is an `execute_tool` span with GenAI attributes and its verdict."""
    with otlp_receiver() as receiver:
        export = OtlpExport(receiver.url, schedule_delay=0.05)
        with export, observed_pipeline(home, export) as pipeline:
            pipeline.decide(_bash("echo hi"))
            pipeline.decide(_bash(f"rm -f {_SECRET}"))
        spans = receiver.wait_for(2)
    assert receiver.paths == ["/v1/traces"] * len(receiver.paths)
    by_decision = {span.attributes["watchkeeper.decision"]: span for span in spans}
    denied = by_decision["deny"]
    assert denied.name == "execute_tool Bash"
    assert denied.attributes["gen_ai.operation.name"] == "execute_tool"
    assert denied.attributes["gen_ai.tool.name"] == "Bash"
    assert denied.attributes["gen_ai.agent.id"] == "alpha"
    assert denied.attributes["gen_ai.conversation.id"] == "s1"
    assert denied.attributes["watchkeeper.rule_ids"] == ["deny-rm"]
    assert by_decision["allow"].attributes["watchkeeper.rule_ids"] == ["allow-echo"]
    assert denied.resource["service.name"] == "watchkeeper-gateway"


def test_a_session_is_one_deterministic_trace(home: Path) -> None:
    """Spans of one session share the trace id derived from deployment and session."""
    with otlp_receiver() as receiver:
        export = OtlpExport(receiver.url, schedule_delay=0.05)
        with export, observed_pipeline(home, export) as pipeline:
            pipeline.decide(_bash("echo a", session="one"))
            pipeline.decide(_bash("echo b", session="one"))
            pipeline.decide(_bash("echo c", session="two"))
        spans = receiver.wait_for(3)
    traces = {span.attributes["gen_ai.conversation.id"]: span.trace_id for span in spans}
    assert traces == {
        "one": session_trace_id("alpha", "one"),
        "two": session_trace_id("alpha", "two"),
    }
    assert len({span.trace_id for span in spans}) == 2


def test_arguments_are_exported_only_as_size_and_hash(home: Path) -> None:
    """By default no argument text leaves the gateway, only its size and SHA-256."""
    with otlp_receiver() as receiver:
        export = OtlpExport(receiver.url, schedule_delay=0.05)
        with export, observed_pipeline(home, export) as pipeline:
            pipeline.decide(_bash(f"echo {_SECRET}"))
        (span,) = receiver.wait_for(1)
    assert _SECRET not in json.dumps(span.attributes)
    assert "gen_ai.tool.call.arguments" not in span.attributes
    assert "watchkeeper.explanation" not in span.attributes
    assert span.attributes["watchkeeper.args.size"] > len(_SECRET)
    assert len(span.attributes["watchkeeper.args.sha256"]) == 64


def test_content_mode_exports_arguments_and_results(home: Path) -> None:
    """With `content`, the arguments and the result are span attributes."""
    with otlp_receiver() as receiver:
        export = OtlpExport(receiver.url, content=True, schedule_delay=0.05)
        with export, observed_pipeline(home, export) as pipeline:
            pipeline.decide(_bash("echo hi", tool_use_id="tu-1"))
            result = ToolResult(
                deployment_id="alpha", session_id="s1", tool="Bash", tool_use_id="tu-1", output="hi"
            )
            pipeline.record([result])
        (span,) = receiver.wait_for(1)
    assert json.loads(span.attributes["gen_ai.tool.call.arguments"]) == {"command": "echo hi"}
    assert json.loads(span.attributes["gen_ai.tool.call.result"]) == "hi"
    assert span.attributes["watchkeeper.explanation"].startswith("allowed")


def test_the_tool_result_ends_the_call_span(home: Path) -> None:
    """An allowed call's span stays open until its result and then covers the tool's run."""
    with otlp_receiver() as receiver:
        export = OtlpExport(receiver.url, schedule_delay=0.05)
        with export, observed_pipeline(home, export) as pipeline:
            call = _bash("echo hi", tool_use_id="tu-7")
            pipeline.decide(call)
            time.sleep(0.05)
            result = ToolResult(
                deployment_id="alpha",
                session_id="s1",
                tool="Bash",
                tool_use_id="tu-7",
                output="hi",
                is_error=True,
            )
            pipeline.record([result])
        (span,) = receiver.wait_for(1)
    assert span.attributes["gen_ai.tool.call.id"] == "tu-7"
    assert span.start_ns == int(call.ts.timestamp() * 1_000_000) * 1000
    assert span.end_ns == int(result.ts.timestamp() * 1_000_000) * 1000
    assert span.end_ns - span.start_ns >= 50_000_000
    assert span.attributes["watchkeeper.result.is_error"] is True
    assert span.status_code == 2  # STATUS_CODE_ERROR


def test_a_dead_collector_changes_no_verdict(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    """With nothing listening, decisions stay as fast and as decided; failures are counted
    and logged once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    metrics = GatewayMetrics()
    export = OtlpExport(dead, outcomes=metrics.spans, timeout=1.0, schedule_delay=0.05)
    with export, observed_pipeline(home, metrics, export) as pipeline:
        started = time.monotonic()
        verdicts = [pipeline.decide(_bash(c)).decision.value for c in ("echo a", "rm -f x")] * 3
        elapsed = time.monotonic() - started
    assert verdicts[:2] == ["allow", "deny"]
    assert elapsed < 1.0
    text = metrics.exposition().decode()
    assert 'watchkeeper_otlp_spans_total{outcome="failed"}' in text
    assert 'watchkeeper_otlp_spans_total{outcome="exported"}' not in text
    ours = [r for r in caplog.records if r.name == "watchkeeper.observe._otlp"]
    assert [r.levelname for r in ours] == ["WARNING"]
    assert dead in ours[0].getMessage()


def test_traces_path_is_added_to_a_bare_endpoint() -> None:
    """A collector base URL gets `/v1/traces`; a URL with a path is kept as given."""
    assert traces_url("http://collector:4318") == "http://collector:4318/v1/traces"
    assert traces_url("https://collector:4318/") == "https://collector:4318/v1/traces"
    assert traces_url("http://c:4318/custom/traces") == "http://c:4318/custom/traces"


@pytest.mark.parametrize("endpoint", ["collector:4318", "ftp://collector/", "http://"])
def test_a_non_http_endpoint_is_refused(endpoint: str) -> None:
    """An endpoint that is not an http(s) URL is refused with a message naming it."""
    with pytest.raises(OtlpEndpointError, match=f"`{endpoint}`"):
        traces_url(endpoint)
