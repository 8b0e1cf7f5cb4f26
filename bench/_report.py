"""Figures and the BENCHMARKS.md writer shared by every benchmark module."""

from __future__ import annotations

import platform
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured figure beside the baseline measured in the same run."""

    id: str
    what: str
    value: float
    unit: str
    goal: str
    met: bool
    baseline: str = ""
    baseline_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> str:
        if self.baseline_value in (None, 0):
            return ""
        return f"{self.value / self.baseline_value:.2f}x"


def percentile(samples: Sequence[float], q: float) -> float:
    """Return the q-th percentile (0-100) of `samples` by nearest rank."""
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


#: Sections written by other commands (`make soak`) that `write_report` keeps as they are.
KEPT_SECTIONS = ("Soak",)


def render_section(title: str, figures: Sequence[Figure]) -> list[str]:
    """Return the markdown lines of one section: its table, then its notes."""
    lines = [
        f"## {title}",
        "",
        "| id | what | value | goal | met | baseline (same run) | ratio |",
    ]
    lines += ["|---|---|---|---|---|---|---|"]
    for f in figures:
        base = (
            f"{f.baseline}: {f.baseline_value:,.2f} {f.unit}"
            if f.baseline_value is not None
            else f.baseline
        )
        lines.append(
            f"| {f.id} | {f.what} | {f.value:,.2f} {f.unit} | {f.goal} | "
            f"{'yes' if f.met else '**no**'} | {base} | {f.ratio} |"
        )
    notes = [f"- {f.id}: {f.note}" for f in figures if f.note]
    lines += ["", *notes, ""] if notes else [""]
    return lines


def kept_sections(path: Path) -> list[str]:
    """Return the lines of `path`'s sections named in `KEPT_SECTIONS` (none if no file)."""
    if not path.exists():
        return []
    kept: list[str] = []
    keeping = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            keeping = line[3:].startswith(KEPT_SECTIONS)
        if keeping:
            kept.append(line)
    return kept


def write_report(path: Path, sections: dict[str, list[Figure]]) -> None:
    """Write BENCHMARKS.md with every figure of this run (and the kept sections as they were)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {now}; {platform.python_implementation()} "
        f"{platform.python_version()} on {platform.machine()}. Every baseline is measured in the "
        "same run as the figure beside it, so compare ratios, not absolute values.",
        "",
    ]
    for title, figures in sections.items():
        lines += render_section(title, figures)
    kept = kept_sections(path)
    lines += [*kept, ""] if kept else []
    path.write_text("\n".join(lines))
