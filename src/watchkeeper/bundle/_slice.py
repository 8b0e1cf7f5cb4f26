"""Choosing the ledger slice for a period, widened to whole signed checkpoint intervals.

A bundle starts right after a signed checkpoint (or at the genesis) and ends at one, so the
assessor can anchor both ends of the chain with the ledger's public key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Period", "SliceBounds", "anchor_slice", "in_period", "parse_ts"]


@dataclass(frozen=True, slots=True)
class Period:
    """Records stamped at or after `since` and before `until`, optionally of one deployment."""

    since: datetime
    until: datetime
    deployment: str | None = None

    def covers(self, ts: datetime, deployment_id: str) -> bool:
        """Return whether a record stamped `ts` in `deployment_id` belongs to the period."""
        if self.deployment is not None and deployment_id != self.deployment:
            return False
        return self.since <= ts < self.until


@dataclass(frozen=True, slots=True)
class SliceBounds:
    """Records `anchor + 1` … `end`; `anchor` is 0 (the genesis) or a checkpointed record."""

    anchor: int
    end: int | None
    first_in_period: int
    last_in_period: int


def parse_ts(text: str) -> datetime:
    """Parse an envelope timestamp (ISO 8601, `Z` for UTC)."""
    return datetime.fromisoformat(text)


def in_period(records: Iterable[tuple[int, str, str]], period: Period) -> tuple[int, int] | None:
    """Return the first and last seq of `(seq, ts, deployment_id)` rows in `period`, or None."""
    first: int | None = None
    last = 0
    for seq, ts, deployment_id in records:
        if period.covers(parse_ts(ts), deployment_id):
            first = seq if first is None else min(first, seq)
            last = max(last, seq)
    return None if first is None else (first, last)


def anchor_slice(first: int, last: int, checkpoint_seqs: Sequence[int]) -> SliceBounds:
    """Widen `first`…`last` to checkpoints: the last one before `first`, the first one at or
    after `last` (`end` None when no checkpoint reaches `last` yet)."""
    before = [seq for seq in checkpoint_seqs if seq < first]
    after = [seq for seq in checkpoint_seqs if seq >= last]
    return SliceBounds(
        anchor=max(before, default=0),
        end=min(after) if after else None,
        first_in_period=first,
        last_in_period=last,
    )
