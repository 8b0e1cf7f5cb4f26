"""What the policy may know about the session so far, beyond the call itself."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SessionContext"]


@dataclass(frozen=True, slots=True)
class SessionContext:
    """Session facts that rules can match on.

    `untrusted_seen`: content from outside the organisation's trust boundary (web pages,
    MCP tool output, fetched files) has entered the session. `untrusted_sources` names the
    tools it came through. `denied_count`: calls denied so far in this session.
    """

    untrusted_seen: bool = False
    untrusted_sources: frozenset[str] = frozenset()
    denied_count: int = 0
