"""Observability: Prometheus metrics at `/metrics` and ledger events as OpenTelemetry spans.

Names are imported on first use, so that a gateway serving metrics without span export
never loads the OpenTelemetry SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from watchkeeper.observe._http import METRICS_PATH, MetricsAccess, install_metrics
    from watchkeeper.observe._metrics import CONTENT_TYPE, GatewayMetrics, ScrapeSource
    from watchkeeper.observe._otlp import OtlpEndpointError, OtlpExport, traces_url
    from watchkeeper.observe._scrape_token import SCRAPE_TOKEN_FILE, ensure_scrape_token
    from watchkeeper.observe._spans import SpanWriter
    from watchkeeper.observe._trace_ids import SessionIds, session_trace_id

_WHERE = {
    "CONTENT_TYPE": "_metrics",
    "GatewayMetrics": "_metrics",
    "METRICS_PATH": "_http",
    "MetricsAccess": "_http",
    "OtlpEndpointError": "_otlp",
    "OtlpExport": "_otlp",
    "SCRAPE_TOKEN_FILE": "_scrape_token",
    "ScrapeSource": "_metrics",
    "SessionIds": "_trace_ids",
    "SpanWriter": "_spans",
    "ensure_scrape_token": "_scrape_token",
    "install_metrics": "_http",
    "session_trace_id": "_trace_ids",
    "traces_url": "_otlp",
}

__all__ = [
    "CONTENT_TYPE",
    "METRICS_PATH",
    "SCRAPE_TOKEN_FILE",
    "GatewayMetrics",
    "MetricsAccess",
    "OtlpEndpointError",
    "OtlpExport",
    "ScrapeSource",
    "SessionIds",
    "SpanWriter",
    "ensure_scrape_token",
    "install_metrics",
    "session_trace_id",
    "traces_url",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
