"""The risk report: the assessment as one self-contained HTML page (and PDF) people read.

`build_report(home, period=…)` assesses a home, counts the figures the charts draw from the
ledger, and renders an executive summary, per-deployment cards, inline-SVG charts and the
methodology; `write_pdf` prints it with headless chromium.
"""

from watchkeeper.report._build import build_report
from watchkeeper.report._figures import (
    Containment,
    DeploymentFigures,
    ReportFigures,
    gather_figures,
)
from watchkeeper.report._pdf import CHROMIUM, CHROMIUM_ARGS, PdfError, write_pdf
from watchkeeper.report._render import LATENCY_BINS, latency_bins, render_report
from watchkeeper.report._svg import Bar, histogram, horizontal_bars, palette, stacked_bars

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LATENCY_BINS",
    "Bar",
    "Containment",
    "DeploymentFigures",
    "PdfError",
    "ReportFigures",
    "build_report",
    "gather_figures",
    "histogram",
    "horizontal_bars",
    "latency_bins",
    "palette",
    "render_report",
    "stacked_bars",
    "write_pdf",
]
