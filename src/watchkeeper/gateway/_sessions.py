"""Per-session facts the policy may use, kept in memory and rebuilt from the ledger."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from watchkeeper.events import Decision, Event, ToolCall, ToolResult, VerdictEvent
from watchkeeper.gateway._trust import is_untrusted_source
from watchkeeper.policy import SessionContext

__all__ = ["SessionHistory", "SessionTracker"]

#: Loads the recorded events of one (deployment, session) so state survives a restart.
SessionHistory = Callable[[str, str], Iterable[Event]]

_MAX_SESSIONS = 4096
_MAX_TOOL_USE_IDS = 4096


@dataclass(slots=True)
class _State:
    untrusted_sources: set[str] = field(default_factory=set)
    denied_count: int = 0
    tools_by_use_id: OrderedDict[str, str] = field(default_factory=OrderedDict)

    def observe(self, event: Event) -> None:
        if isinstance(event, ToolCall):
            if event.tool_use_id is not None:
                self.tools_by_use_id[event.tool_use_id] = event.tool
                while len(self.tools_by_use_id) > _MAX_TOOL_USE_IDS:
                    self.tools_by_use_id.popitem(last=False)
        elif isinstance(event, ToolResult):
            tool = event.tool
            if tool is None and event.tool_use_id is not None:
                tool = self.tools_by_use_id.get(event.tool_use_id)
            if tool is not None and is_untrusted_source(tool):
                self.untrusted_sources.add(tool)
        elif isinstance(event, VerdictEvent) and event.decision is Decision.DENY:
            self.denied_count += 1

    def context(self) -> SessionContext:
        return SessionContext(
            untrusted_seen=bool(self.untrusted_sources),
            untrusted_sources=frozenset(self.untrusted_sources),
            denied_count=self.denied_count,
        )


class SessionTracker:
    """Tracks `SessionContext` facts for each (deployment, session) pair.

    A session seen for the first time (or evicted from memory) is rebuilt by replaying its
    recorded events through `history`, so a restarted gateway keeps `untrusted_seen`.
    At most 4096 sessions are held in memory, least recently used evicted first.
    """

    def __init__(self, history: SessionHistory | None = None) -> None:
        self._history = history
        self._lock = threading.Lock()
        self._states: OrderedDict[tuple[str, str], _State] = OrderedDict()

    def context(self, deployment_id: str, session_id: str) -> SessionContext:
        """Return what is known about the session so far (may read the ledger)."""
        state = self._state(deployment_id, session_id)
        with self._lock:
            return state.context()

    def knows(self, deployment_id: str, session_id: str) -> bool:
        """Return whether the session's facts are held in memory (not evicted, not new)."""
        with self._lock:
            return (deployment_id, session_id) in self._states

    def restart(self, deployment_id: str, session_id: str, events: Iterable[Event]) -> None:
        """Replace what is known about the session by the facts of `events`, its history."""
        fresh = _State()
        for event in events:
            fresh.observe(event)
        with self._lock:
            self._states[(deployment_id, session_id)] = fresh
            self._states.move_to_end((deployment_id, session_id))
            while len(self._states) > _MAX_SESSIONS:
                self._states.popitem(last=False)

    def observe(self, events: Iterable[Event]) -> None:
        """Update session facts from events that have just been recorded."""
        for event in events:
            state = self._state(event.deployment_id, event.session_id)
            with self._lock:
                state.observe(event)

    def _state(self, deployment_id: str, session_id: str) -> _State:
        key = (deployment_id, session_id)
        with self._lock:
            state = self._states.get(key)
            if state is not None:
                self._states.move_to_end(key)
                return state
        fresh = _State()
        if self._history is not None:
            for event in self._history(deployment_id, session_id):
                fresh.observe(event)
        with self._lock:
            state = self._states.setdefault(key, fresh)
            self._states.move_to_end(key)
            while len(self._states) > _MAX_SESSIONS:
                self._states.popitem(last=False)
            return state
