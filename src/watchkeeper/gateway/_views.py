"""Read-only views of the ledger served by the API: session summaries and event pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from watchkeeper.events import Decision, VerdictEvent
from watchkeeper.gateway._models import EventsPage, LedgerEntry, SessionSummary
from watchkeeper.ledger import LedgerStore

__all__ = ["session_events", "session_summaries"]


@dataclass(slots=True)
class _Tally:
    first_ts: datetime
    last_ts: datetime
    counts: Counter[str] = field(default_factory=Counter)
    denied: int = 0


def session_summaries(store: LedgerStore, deployment_id: str | None) -> list[SessionSummary]:
    """Summarise every session in `store` (only `deployment_id`'s unless it is None).

    This scans the whole ledger; it is meant for review and for ledgers of modest size.
    """
    tallies: dict[tuple[str, str], _Tally] = {}
    for _seq, event in store.events():
        if deployment_id is not None and event.deployment_id != deployment_id:
            continue
        key = (event.deployment_id, event.session_id)
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally(first_ts=event.ts, last_ts=event.ts)
        tally.first_ts = min(tally.first_ts, event.ts)
        tally.last_ts = max(tally.last_ts, event.ts)
        tally.counts[event.kind] += 1
        if isinstance(event, VerdictEvent) and event.decision is Decision.DENY:
            tally.denied += 1
    summaries = [
        SessionSummary(
            session_id=session_id,
            deployment_id=deployment,
            first_ts=tally.first_ts,
            last_ts=tally.last_ts,
            counts=dict(tally.counts),
            denied=tally.denied,
        )
        for (deployment, session_id), tally in tallies.items()
    ]
    summaries.sort(key=lambda s: s.last_ts, reverse=True)
    return summaries


def session_events(
    store: LedgerStore,
    session_id: str,
    deployment_id: str | None,
    *,
    after_seq: int,
    limit: int,
) -> EventsPage:
    """Return up to `limit` events of `session_id` after `after_seq`, oldest first.

    `next_after_seq` is set when the page is full (there may be more events).
    """
    entries: list[LedgerEntry] = []
    scanned = 0
    last_seq = after_seq
    for seq, event in store.events(after_seq=after_seq, session_id=session_id, limit=limit):
        scanned += 1
        last_seq = seq
        if deployment_id is None or event.deployment_id == deployment_id:
            entries.append(LedgerEntry(seq=seq, event=event.model_dump(mode="json")))
    return EventsPage(events=entries, next_after_seq=last_seq if scanned == limit else None)
