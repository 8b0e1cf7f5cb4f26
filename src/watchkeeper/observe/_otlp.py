"""Exporting recorded events as spans over OTLP/HTTP, off the decision path.

The pipeline hands each durable batch to `OtlpExport.recorded`, which only queues it. One
thread turns batches into spans; the SDK's `BatchSpanProcessor` sends them from its own
thread. A full queue or a dead collector drops spans (counted, and logged once per outage);
neither ever delays or changes a decision.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit, urlunsplit

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from watchkeeper import __version__
from watchkeeper.observe._spans import SpanWriter
from watchkeeper.observe._trace_ids import SessionIds

if TYPE_CHECKING:
    from watchkeeper.events import Event, ToolCall
    from watchkeeper.policy import Verdict

__all__ = ["OtlpEndpointError", "OtlpExport", "traces_url"]

_log = logging.getLogger(__name__)
_TRACES_PATH = "/v1/traces"
_STOP = None

#: Called with an outcome (``exported``, ``failed``, ``dropped``) and a count.
Outcomes = Callable[[str, int], None]


class OtlpEndpointError(ValueError):
    """The OTLP endpoint is not an http(s) URL."""


def traces_url(endpoint: str) -> str:
    """Return the OTLP/HTTP traces URL for `endpoint`: as given, or with ``/v1/traces`` added
    when it has no path (``http://collector:4318`` → ``http://collector:4318/v1/traces``)."""
    parts = urlsplit(endpoint)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise OtlpEndpointError(
            f"OTLP endpoint `{endpoint}` is not an http(s) URL; pass one like http://127.0.0.1:4318"
        )
    if parts.path in {"", "/"}:
        parts = parts._replace(path=_TRACES_PATH)
    return urlunsplit(parts)


class OtlpExport:
    """Exports recorded ledger events as spans to `endpoint`; a `PipelineObserver`.

    Owns a `TracerProvider` (never the global one), its batch processor and one converting
    thread; `close()` ends open spans, flushes what it can within `timeout` and stops them.
    With `content`, arguments, results and explanations are exported (see `SpanWriter`).
    `headers` go with every export request (e.g. a collector's API key); without them the
    ``OTEL_EXPORTER_OTLP_TRACES_HEADERS`` / ``OTEL_EXPORTER_OTLP_HEADERS`` variables apply.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        content: bool = False,
        outcomes: Outcomes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 5.0,
        queue_size: int = 10000,
        result_timeout: float = 300.0,
        schedule_delay: float = 1.0,
    ) -> None:
        self._url = traces_url(endpoint)
        self._outcomes = outcomes
        self._queue: queue.Queue[Sequence[Event] | None] = queue.Queue(maxsize=queue_size)
        ids = SessionIds()
        exporter = _CountedExporter(
            OTLPSpanExporter(endpoint=self._url, headers=headers, timeout=timeout),
            self._url,
            self._count,
        )
        self._provider = TracerProvider(
            resource=Resource.create(
                {"service.name": "watchkeeper-gateway", "service.version": __version__}
            ),
            id_generator=ids,
            shutdown_on_exit=False,
        )
        self._provider.add_span_processor(
            BatchSpanProcessor(
                exporter,
                schedule_delay_millis=schedule_delay * 1000,
                export_timeout_millis=timeout * 1000,
            )
        )
        self._writer = SpanWriter(
            self._provider.get_tracer("watchkeeper", __version__),
            ids,
            content=content,
            result_timeout=result_timeout,
        )
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="watchkeeper-otlp", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """Where spans are sent."""
        return self._url

    def decided(
        self,
        call: ToolCall,
        verdict: Verdict,
        seconds: float,
    ) -> None:
        """Nothing to do: spans are made from recorded events."""

    def monitor_failed(self, monitor: str) -> None:
        """Nothing to do: a monitor failure is recorded as an alert, which becomes a span."""

    def recorded(
        self,
        events: Sequence[Event],
        seconds: float,  # noqa: ARG002 - part of the observer signature
    ) -> None:
        """Queue `events` for conversion; when the queue is full they are dropped (counted)."""
        try:
            self._queue.put_nowait(events)
        except queue.Full:
            self._count("dropped", len(events))

    def close(self) -> None:
        """Convert what is queued, end open spans, flush, and stop the thread and provider."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._thread.join()
        self._provider.shutdown()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            try:
                batch = self._queue.get(timeout=1.0)
            except queue.Empty:
                batch = ()
            if batch is _STOP:
                break
            try:
                if batch:
                    self._writer.write(batch)
                self._writer.expire()
            except Exception:  # noqa: BLE001 - a bad batch must not stop the export thread
                _log.exception("turning recorded events into spans failed")
        try:
            self._writer.close()
        except Exception:  # noqa: BLE001 - closing goes on; the spans are lost either way
            _log.exception("ending open spans failed")

    def _count(self, outcome: str, count: int) -> None:
        if self._outcomes is not None:
            self._outcomes(outcome, count)


class _CountedExporter(SpanExporter):
    """Wraps an exporter: counts each batch's outcome and logs when export starts failing
    and when it recovers (not once per batch)."""

    def __init__(self, inner: SpanExporter, url: str, count: Outcomes) -> None:
        self._inner = inner
        self._url = url
        self._count = count
        self._failing = False

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self._inner.export(spans)
        except Exception:  # noqa: BLE001 - an exporter crash is one more failed batch
            _log.exception("the OTLP exporter raised")
            result = SpanExportResult.FAILURE
        ok = result is SpanExportResult.SUCCESS
        self._count("exported" if ok else "failed", len(spans))
        if not ok and not self._failing:
            _log.warning(
                "exporting spans to %s failed; spans are dropped until the collector answers",
                self._url,
            )
        elif ok and self._failing:
            _log.warning("exporting spans to %s works again", self._url)
        self._failing = not ok
        return result

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)
