"""The red-team corpus shipped with watchkeeper: trajectory JSONL files (docs/corpus.md)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["corpus_files"]


def corpus_files() -> list[Path]:
    """Return the shipped corpus files (coding, rogue, assistant, variants), sorted by name."""
    return sorted(Path(__file__).parent.glob("*.jsonl"))
