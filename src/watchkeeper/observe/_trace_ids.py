"""One trace per agent session: trace ids derived from the deployment and the session."""

from __future__ import annotations

import hashlib

from opentelemetry.sdk.trace.id_generator import IdGenerator, RandomIdGenerator

__all__ = ["SessionIds", "session_trace_id"]


def session_trace_id(deployment_id: str, session_id: str) -> int:
    """Return the trace id of a session: the first 16 bytes of
    ``sha256(deployment_id + "\\n" + session_id)``, so every gateway (and any other tool)
    puts the same session in the same trace, across restarts."""
    digest = hashlib.sha256(f"{deployment_id}\n{session_id}".encode()).digest()
    return int.from_bytes(digest[:16], "big") or 1


class SessionIds(IdGenerator):
    """Gives a new root span the trace id set in `trace_id`; span ids are random.

    The span writer sets `trace_id` before starting each span, on its one thread.
    """

    def __init__(self) -> None:
        self._random = RandomIdGenerator()
        self.trace_id: int | None = None

    def generate_span_id(self) -> int:
        """Return a random, valid span id."""
        return self._random.generate_span_id()

    def generate_trace_id(self) -> int:
        """Return the session's trace id (random when none is set)."""
        if self.trace_id is None:
            return self._random.generate_trace_id()
        return self.trace_id

    def is_trace_id_random(self) -> bool:
        """Trace ids are derived, not random (for samplers that care)."""
        return False
