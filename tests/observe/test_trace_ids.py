"""Session trace ids: derived as documented, so other tools can find a session's trace."""

from __future__ import annotations

import hashlib

from watchkeeper.observe import SessionIds, session_trace_id


def test_trace_id_is_the_documented_hash() -> None:
    """The trace id is the first 16 bytes of sha256(deployment + newline + session)."""
    expected = int.from_bytes(hashlib.sha256(b"alpha\ns1").digest()[:16], "big")
    assert session_trace_id("alpha", "s1") == expected


def test_deployment_and_session_cannot_be_shifted() -> None:
    """Moving characters between deployment and session gives another trace."""
    assert session_trace_id("ab", "c") != session_trace_id("a", "bc")


def test_generator_uses_the_set_trace_id_and_random_otherwise() -> None:
    """A set trace id is used for the next root span; unset, ids are random."""
    ids = SessionIds()
    ids.trace_id = 42
    assert ids.generate_trace_id() == 42
    ids.trace_id = None
    assert ids.generate_trace_id() != ids.generate_trace_id()
    assert ids.generate_span_id() != 0
