"""What other gateways recorded in a session since this gateway last looked.

Gateways that share one ledger (PostgreSQL) answer calls of the same session in turn: a
load balancer need not be sticky, and a gateway that died hands its agents to the others.
Session facts (untrusted content seen, denials) and the monitors' session state must then
include what the *other* gateways recorded. Before a call of a session is decided, the
pipeline asks `LedgerFollower.catch_up` for the session's records committed since it last
looked, leaving out the ones it recorded itself (`mine` registers their ids before they are
submitted, so a concurrent look can never take them for someone else's). Everything
acknowledged to anyone before the call arrived is therefore in the answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from watchkeeper.events import Event

__all__ = ["LedgerFollower", "SessionReader"]

#: Reads `(seq, event)` of one session with `seq` above the given one, in sequence order.
SessionReader = Callable[[str, int], Iterable[tuple[int, Event]]]

_MAX_OWN_IDS = 4096


@dataclass(slots=True)
class _Followed:
    lock: threading.RLock = field(default_factory=threading.RLock)
    started: bool = False
    seen: int = 0
    own: OrderedDict[str, None] = field(default_factory=OrderedDict)


class LedgerFollower:
    """Per (deployment, session): the last ledger `seq` taken in and this gateway's own ids.

    At most `max_sessions` sessions are followed, least recently used forgotten first; a
    forgotten session is read again from its start (and reported as new) when it comes back.
    """

    def __init__(self, read: SessionReader, *, max_sessions: int = 4096) -> None:
        self._read = read
        self._max_sessions = max_sessions
        self._lock = threading.Lock()
        self._sessions: OrderedDict[tuple[str, str], _Followed] = OrderedDict()

    def mine(self, events: Sequence[Event]) -> None:
        """Note that this gateway is about to record `events` (never report them back)."""
        for event in events:
            followed = self._followed(event.deployment_id, event.session_id)
            with followed.lock:
                followed.own[event.id] = None
                while len(followed.own) > _MAX_OWN_IDS:
                    followed.own.popitem(last=False)

    def holding(self, deployment_id: str, session_id: str) -> threading.RLock:
        """The session's lock: hold it to take in and apply a catch-up as one step."""
        return self._followed(deployment_id, session_id).lock

    def catch_up(
        self, deployment_id: str, session_id: str, *, from_start: bool = False
    ) -> tuple[bool, list[Event]]:
        """Return `(new, events)`: the session's records not yet taken in, in ledger order.

        `new` is True when the session was not followed before (or `from_start` asks to
        read it again, as when the caller lost its state): `events` is then its whole
        recorded history (this gateway's own records included) and the caller should start
        its session state afresh from them. Otherwise `events` holds only records other
        writers committed since the last call. Raises whatever reading the ledger raises.
        """
        followed = self._followed(deployment_id, session_id)
        with followed.lock:
            new = from_start or not followed.started
            after = 0 if new else followed.seen
            rows = list(self._read(session_id, after))  # may raise: nothing changes
            taken: list[Event] = []
            seen = after
            for seq, event in rows:
                seen = max(seen, seq)
                if event.deployment_id != deployment_id:
                    continue
                if event.id in followed.own:
                    del followed.own[event.id]
                    if not new:
                        continue
                taken.append(event)
            followed.seen = seen
            followed.started = True
            return new, taken

    def _followed(self, deployment_id: str, session_id: str) -> _Followed:
        key = (deployment_id, session_id)
        with self._lock:
            followed = self._sessions.get(key)
            if followed is None:
                followed = self._sessions[key] = _Followed()
                while len(self._sessions) > self._max_sessions:
                    self._sessions.popitem(last=False)
            else:
                self._sessions.move_to_end(key)
            return followed
