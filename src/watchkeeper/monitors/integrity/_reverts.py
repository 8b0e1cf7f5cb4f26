"""Changes taken back: an edit that puts back what an earlier edit replaced. When every change
made since a failing run has been taken back, the code is the code that failed, whatever
passed in between."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Change", "undone_since"]


@dataclass(frozen=True, slots=True)
class Change:
    """One text replacement in one file, at one step of the session."""

    index: int
    path: str
    old: str
    new: str


def undone_since(changes: Sequence[Change], since: int) -> bool:
    """Whether the changes made after step `since` (at least one) cancel out: each one put
    back by a later change that replaces its new text with its old."""
    after = [c for c in changes if c.index > since]
    if not after:
        return False
    standing: list[Change] = []
    for change in after:
        undone = next(
            (
                s
                for s in reversed(standing)
                if s.path == change.path
                and s.new.strip() == change.old.strip()
                and s.old.strip() == change.new.strip()
            ),
            None,
        )
        if undone is None:
            standing.append(change)
        else:
            standing.remove(undone)
    return not standing
