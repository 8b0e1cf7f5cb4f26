"""The inline-SVG chart helpers: figures on every mark, labels escaped."""

from __future__ import annotations

import re

from watchkeeper.report import Bar, histogram, horizontal_bars, latency_bins, stacked_bars


def test_stacked_bars_carry_each_segment_value() -> None:
    """Every non-zero (column, series) count becomes one rect with that value."""
    svg = stacked_bars(
        ["2026-01-01", "2026-01-02"],
        {"2026-01-01": {"a": 2, "b": 1}, "2026-01-02": {"b": 4}},
        ["a", "b"],
        label="alerts",
    )
    segments = re.findall(r'data-column="([^"]+)" data-series="([^"]+)" data-value="(\d+)"', svg)
    assert sorted(segments) == [
        ("2026-01-01", "a", "2"),
        ("2026-01-01", "b", "1"),
        ("2026-01-02", "b", "4"),
    ]


def test_stacked_bars_escape_series_names() -> None:
    """A series name holding markup appears only escaped."""
    svg = stacked_bars(["2026-01-01"], {"2026-01-01": {"<b onmouseover=x>": 1}},
                       ["<b onmouseover=x>"], label="<i>")  # fmt: skip
    assert "<b " not in svg
    assert "<i>" not in svg
    assert "&lt;b onmouseover=x&gt;" in svg


def test_histogram_draws_one_bar_per_bin() -> None:
    """A histogram has as many bars as bins, each with its count."""
    svg = histogram([("a", 3), ("b", 0), ("c", 1)], label="h")
    assert re.findall(r'data-value="(\d+)"', svg) == ["3", "0", "1"]


def test_horizontal_bar_without_a_value_has_no_width() -> None:
    """A bar whose value is unknown draws nothing and shows its text instead."""
    svg = horizontal_bars([Bar("x", None, "n/a"), Bar("y", 50.0, "50%")], label="c", top=100)
    widths = re.findall(r'<rect class="bar" x="\d+" y="[\d.]+" width="([\d.]+)"', svg)
    assert float(widths[0]) == 0.0
    assert float(widths[1]) > 0.0
    assert "n/a" in svg


def test_latency_bins_are_half_open() -> None:
    """A latency on a bin's upper bound falls into the next bin."""
    counts = dict(latency_bins([0.0, 4.99, 5.0, 30.0, 1e9]))
    assert (counts["<5 s"], counts["5-30 s"], counts["30 s-2 min"], counts["≥6 h"]) == (2, 1, 1, 1)
