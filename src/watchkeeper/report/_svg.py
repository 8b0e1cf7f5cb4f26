"""Small inline-SVG charts: stacked bars, a histogram and labelled horizontal bars.

Each function returns escaped markup ready for the template; every label passes through
`escape`, so agent-chosen text (a deployment or category name) cannot become markup. Each
drawn mark carries its figure in `data-*` attributes and a `<title>` tooltip, which is what
tests and screen readers read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Bar", "histogram", "horizontal_bars", "palette", "stacked_bars"]

#: Colour-blind-safe categorical palette (Okabe-Ito, then a few greys).
_PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442",
    "#000000", "#7f7f7f", "#b3b3b3",
)  # fmt: skip
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def palette(names: Sequence[str]) -> dict[str, str]:
    """A colour per name, stable for a given order."""
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    head = (
        f'<svg viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(label)}" {_FONT}>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every part is escaped above


def _axis(width: int, height: int, pad: int, top: float, unit: str) -> list[str]:
    base = height - pad
    return [
        f'<line x1="{pad}" y1="{base}" x2="{width - 8}" y2="{base}" stroke="#555"/>',
        f'<text x="{pad - 4}" y="{base}" text-anchor="end">0</text>',
        f'<text x="{pad - 4}" y="16" text-anchor="end">{escape(_f(top))}{escape(unit)}</text>',
        f'<line x1="{pad}" y1="12" x2="{width - 8}" y2="12" stroke="#ddd"/>',
    ]


def stacked_bars(
    columns: Sequence[str],
    values: Mapping[str, Mapping[str, int]],
    order: Sequence[str],
    *,
    label: str,
    width: int = 720,
    height: int = 220,
) -> Markup:
    """One bar per column (e.g. a day), stacked by `order` (e.g. alert categories)."""
    pad = 40
    top = max([sum(values.get(c, {}).values()) for c in columns] + [1])
    step = (width - pad - 8) / max(len(columns), 1)
    scale = (height - pad - 12) / top
    colours = palette(order)
    body = _axis(width, height, pad, top, "")
    every = max(len(columns) // 10, 1)
    for i, column in enumerate(columns):
        x = pad + i * step + step * 0.1
        y = float(height - pad)
        for name in order:
            count = values.get(column, {}).get(name, 0)
            if not count:
                continue
            h = count * scale
            y -= h
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.8:.1f}" '
                f'height="{h:.1f}" fill="{colours[name]}" data-column="{escape(column)}" '
                f'data-series="{escape(name)}" data-value="{count}">'
                f"<title>{escape(column)} · {escape(name)}: {count}</title></rect>"
            )
        if i % every == 0:
            body.append(
                f'<text x="{x + step * 0.4:.1f}" y="{height - pad + 14}" text-anchor="middle">'
                f"{escape(column[5:])}</text>"
            )
    return _svg(width, height, label, body)


def histogram(
    bins: Sequence[tuple[str, int]], *, label: str, width: int = 720, height: int = 200
) -> Markup:
    """One bar per (bin label, count), bars touching as histograms do."""
    pad = 40
    top = max([n for _, n in bins] + [1])
    step = (width - pad - 8) / max(len(bins), 1)
    scale = (height - pad - 12) / top
    body = _axis(width, height, pad, top, "")
    for i, (name, count) in enumerate(bins):
        h = count * scale
        x = pad + i * step
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{height - pad - h:.1f}" width="{step - 1:.1f}" '
            f'height="{h:.1f}" fill="#0072b2" data-column="{escape(name)}" '
            f'data-value="{count}"><title>{escape(name)}: {count}</title></rect>'
            f'<text x="{x + step / 2:.1f}" y="{height - pad + 14}" text-anchor="middle">'
            f"{escape(name)}</text>"
        )
        if count:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{height - pad - h - 3:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
    return _svg(width, height, label, body)


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled horizontal bar; `value` None draws no bar and shows `shown` (e.g. n/a)."""

    name: str
    value: float | None
    shown: str
    alarm: bool = False


def horizontal_bars(
    bars: Sequence[Bar], *, label: str, top: float | None = None, width: int = 720
) -> Markup:
    """One row per bar, scaled to `top` (default: the largest value)."""
    left, row = 180, 22
    height = row * max(len(bars), 1) + 8
    peak = top if top is not None else max([b.value or 0.0 for b in bars] + [1e-9])
    span = width - left - 210
    body: list[str] = []
    for i, bar in enumerate(bars):
        y = 4 + i * row
        w = 0.0 if bar.value is None else span * min(bar.value / peak, 1.0) if peak else 0.0
        colour = "#d55e00" if bar.alarm else "#0072b2"
        value = "" if bar.value is None else f"{bar.value:.6g}"
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(bar.name[:28])}</text>'
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{colour}" data-column="{escape(bar.name)}" data-value="{value}">'
            f"<title>{escape(bar.name)}: {escape(bar.shown)}</title></rect>"
            f'<text x="{left + w + 6:.1f}" y="{y + 14}">{escape(bar.shown)}</text>'
        )
    return _svg(width, height, label, body)
